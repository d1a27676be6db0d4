"""Regional get-togethers: the poll, its options, invitees and answers: issue 21."""
