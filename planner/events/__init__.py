"""Event feeds: barcamps, conferences and meetups read from iCalendar feeds (issue 20)."""
