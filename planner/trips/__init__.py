"""Trips: legs with places and dates, and whom to meet there (ranked and explained)."""
