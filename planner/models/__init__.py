"""SQLModel tables, one module per aggregate. Importing this package registers them all."""

from planner.models.contact import (
    Contact,
    ContactAccount,
    ContactEmail,
    ContactPhone,
    ContactSource,
    ContactTopic,
    LocationSource,
    Stage,
)
from planner.models.duplicates import MergeSuggestion, SuggestionStatus
from planner.models.imports import ImportBatch, ImportChange, ImportFile, ImportStatus
from planner.models.places import GeocodeCache
from planner.models.user import User

__all__ = [
    "Contact",
    "ContactAccount",
    "ContactEmail",
    "ContactPhone",
    "ContactSource",
    "ContactTopic",
    "GeocodeCache",
    "ImportBatch",
    "ImportChange",
    "ImportFile",
    "ImportStatus",
    "LocationSource",
    "MergeSuggestion",
    "Stage",
    "SuggestionStatus",
    "User",
]
