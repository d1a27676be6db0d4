"""Regional get-togethers: issue 21."""
