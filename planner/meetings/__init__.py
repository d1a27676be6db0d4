"""Meetings: coffees with contacts, their times and places, and the invites."""
