"""Possible duplicates: suggested merges on weak evidence, accepted, dismissed or reverted."""
