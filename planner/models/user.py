"""Accounts."""

import uuid
from datetime import date, datetime

from sqlmodel import Field, SQLModel

from planner.models.types import UTCDateTime, utcnow


class User(SQLModel, table=True):
    __tablename__ = "users"  # "user" is reserved in PostgreSQL

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    email: str = Field(max_length=254, unique=True)  # stored lower-cased
    password_hash: str = Field(max_length=255)
    locale: str | None = Field(default=None, max_length=8)  # None: follow the browser
    home_city: str | None = Field(default=None, max_length=200)
    home_country: str | None = Field(default=None, max_length=2)
    home_lat: float | None = None
    home_lon: float | None = None
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # How invites name the organiser (None: the e-mail address).
    display_name: str | None = Field(default=None, max_length=200)
    # When meetings may be proposed (local time at the meeting place, minutes after midnight).
    meeting_day_start: int = Field(default=9 * 60, sa_column_kwargs={"server_default": "540"})
    meeting_day_end: int = Field(default=18 * 60, sa_column_kwargs={"server_default": "1080"})
    meeting_minutes: int = Field(default=60, sa_column_kwargs={"server_default": "60"})
    meeting_buffer_minutes: int = Field(default=30, sa_column_kwargs={"server_default": "30"})
    meetings_per_day: int = Field(default=3, sa_column_kwargs={"server_default": "3"})
    # The weekdays free times are offered on without a trip, as ISO numbers (1 = Monday,
    # 7 = Sunday): "12345" is Monday to Friday (``planner.meetings.service.weekdays_of``).
    meeting_weekdays: str = Field(
        default="12345", max_length=7, sa_column_kwargs={"server_default": "12345"}
    )
    # A follow-up falls due this many days after a meeting or get-together took place.
    followup_days: int = Field(default=7, sa_column_kwargs={"server_default": "7"})
    # An e-mail of due follow-ups and coming meetings: "off", "daily" or "weekly"
    # (planner.relationships.digest); the day (home zone) it last went out.
    digest: str = Field(default="off", max_length=10, sa_column_kwargs={"server_default": "off"})
    digest_sent_on: date | None = None
    meeting_alarm_minutes: int | None = Field(
        default=30, sa_column_kwargs={"server_default": "30"}
    )  # None: invites carry no reminder
    # The private calendar feed: only a SHA-256 of the token is kept (shown once).
    feed_token_hash: str | None = Field(default=None, max_length=64, unique=True, index=True)
    feed_token_created_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # When the user's contacts last changed in a way no contact's ``updated_at`` shows: one
    # deleted, a merge reverted, an import undone, derived interests refreshed. With the
    # newest ``updated_at`` it versions whatever is computed from all contacts (trip plans,
    # topic rarity). Set by ``planner.contacts.service.contacts_changed``.
    contacts_changed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)

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
        """What the session and remember-me cookies carry: the user and the server-side
        session (``planner.auth.sessions``) this browser signed in with."""
        token: str | None = getattr(self, "_session_token", None)
        if token is None:
            raise RuntimeError("sign in through planner.auth.sessions.start_session")
        return f"{self.id}.{token}"
