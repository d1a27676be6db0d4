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
from planner.models.user import User

__all__ = [
    "Contact",
    "ContactAccount",
    "ContactEmail",
    "ContactPhone",
    "ContactSource",
    "ContactTopic",
    "Stage",
    "User",
]
