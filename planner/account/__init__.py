"""The whole account to take along: one JSON document out, the same into an empty account."""
