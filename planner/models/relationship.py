"""A relationship over time: timeline entries, notes, follow-ups, keep in touch: issue 22."""
