"""Event feeds (barcamps, conferences, meetups) and their occurrences: issue 20."""
