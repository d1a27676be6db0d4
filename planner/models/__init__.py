"""SQLModel tables, one module per aggregate. Importing this package registers them all."""

from planner.models.contact import (
    Contact,
    ContactAccount,
    ContactEmail,
    ContactPhone,
    ContactSource,
    ContactTopic,
    Stage,
)
from planner.models.imports import ImportBatch, ImportChange, ImportFile, ImportStatus
from planner.models.user import User

__all__ = [
    "Contact",
    "ContactAccount",
    "ContactEmail",
    "ContactPhone",
    "ContactSource",
    "ContactTopic",
    "ImportBatch",
    "ImportChange",
    "ImportFile",
    "ImportStatus",
    "Stage",
    "User",
]
