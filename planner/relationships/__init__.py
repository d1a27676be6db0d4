"""A relationship over time: timeline, follow-ups, keep in touch (issue 22)."""
