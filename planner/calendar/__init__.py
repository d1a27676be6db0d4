"""Calendars: .ics files for meetings, and the user's own calendars read for busy times."""
