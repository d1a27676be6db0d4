"""Calendar feeds: the private feed of meetings out, the user's own calendars (busy times) in."""
