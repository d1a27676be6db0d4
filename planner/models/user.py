"""Accounts."""

import secrets
import uuid
from datetime import datetime

from sqlmodel import Field, SQLModel

from planner.models.types import UTCDateTime, utcnow


def new_session_key() -> str:
    return secrets.token_urlsafe(16)


class User(SQLModel, table=True):
    __tablename__ = "users"  # "user" is reserved in PostgreSQL

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    email: str = Field(max_length=254, unique=True)  # stored lower-cased
    password_hash: str = Field(max_length=255)
    # Part of the login cookie: rotating it (password change) signs out every other session.
    session_key: str = Field(default_factory=new_session_key, max_length=64)
    locale: str | None = Field(default=None, max_length=8)  # None: follow the browser
    home_city: str | None = Field(default=None, max_length=200)
    home_country: str | None = Field(default=None, max_length=2)
    home_lat: float | None = None
    home_lon: float | None = None
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)

    # Flask-Login protocol
    @property
    def is_active(self) -> bool:
        return True

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}.{self.session_key}"
