"""A contact and its multi-valued details.

Multi-valued fields (e-mails, phones, network accounts, topics, sources) are child tables,
not JSON columns: deduplication looks people up by normalised e-mail, E.164 phone and
account handle, matching by topic, and those lookups need plain indexed columns that behave
the same on SQLite and PostgreSQL.
"""

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import BigInteger, Index, Text, false, text
from sqlmodel import Field, Relationship, SQLModel

from planner.models.types import UTCDateTime, contact_fk, owner_fk, utcnow


class Stage(StrEnum):
    """Where a relationship stands, from online-only to meeting regularly."""

    ONLINE = "online"  # known online, never met
    CONTACTED = "contacted"  # a meeting was proposed
    MET = "met"  # met in person
    REGULAR = "regular"  # meets regularly


class AddressForm(StrEnum):
    """How German invitations address a contact: formally by default (people met online
    are strangers in person), informally for contacts the user marks so."""

    SIE = "sie"
    DU = "du"


class LocationSource(StrEnum):
    """Where a contact's coordinates come from."""

    IMPORTED = "imported"  # the export stated them (vCard GEO)
    GEOCODED = "geocoded"  # found for the typed location by the gazetteer or geocoder
    USER = "user"  # set by the user: never overwritten by geocoding


_CHILDREN = {"cascade": "all, delete-orphan", "passive_deletes": True}


class Contact(SQLModel, table=True):
    # Matches the list order exactly (name, then id): pages come straight off the index.
    __table_args__ = (
        Index("ix_contact_owner_sort_id", "owner_id", "sort_key", "id"),
        # Radius search: a bounding box on latitude narrows by index, longitude filters. The
        # columns after lat, lon let trip suggestions bound every contact's score inside the
        # index (``planner.trips.ranking``), without reading the table.
        Index(
            "ix_contact_owner_lat_match",
            "owner_id",
            "lat",
            "lon",
            "stage",
            "last_met",
            "mutual",
            "first_connected",
            "interest_bits",
            "interests_at",
            "updated_at",
            "id",
        ),
        # The newest change of a user's contacts, by index: what cached trip plans check.
        Index("ix_contact_owner_updated", "owner_id", "updated_at"),
        # "Recently added" on the start page: the newest few, not a sort of all contacts.
        Index("ix_contact_owner_created", "owner_id", "created_at"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    owner_id: uuid.UUID = owner_fk()
    display_name: str = Field(max_length=300)
    first_name: str | None = Field(default=None, max_length=200)
    last_name: str | None = Field(default=None, max_length=200)
    nickname: str | None = Field(default=None, max_length=200)
    organization: str | None = Field(default=None, max_length=300)
    title: str | None = Field(default=None, max_length=300)
    city: str | None = Field(default=None, max_length=200)
    region: str | None = Field(default=None, max_length=200)
    postal_code: str | None = Field(default=None, max_length=20)
    country: str | None = Field(default=None, max_length=2)
    lat: float | None = None
    lon: float | None = None
    location_text: str | None = Field(default=None, max_length=500)
    location_source: str | None = Field(default=None, max_length=20)  # LocationSource
    geocoded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # last attempt
    birthday: str | None = Field(default=None, max_length=10)  # YYYY-MM-DD or --MM-DD
    notes: str | None = Field(default=None, sa_type=Text)
    stage: str = Field(default=Stage.ONLINE.value, max_length=20)
    last_met: date | None = None
    # Set by the user alone (form, JSON export): imports and merges never change it, so it
    # stays out of ContactInput and the rows imports write (the column default fills it).
    address_form: str = Field(
        default=AddressForm.SIE.value,
        max_length=3,
        sa_column_kwargs={"server_default": AddressForm.SIE.value},
    )
    # When ``ContactInterest`` rows were last derived; older than ``updated_at``: stale.
    interests_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Derived with the interests, stale with them (``planner.trips.interests``), and only
    # ever used to bound a contact's score in trip suggestions, never as the score itself:
    # a bit per interest key (``interest_bits``), a mutual follow on any network, the
    # earliest connection date over the contact's sources.
    interest_bits: int = Field(
        default=0, sa_type=BigInteger, sa_column_kwargs={"server_default": text("0")}
    )
    mutual: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    first_connected: date | None = None
    # Case- and accent-folded text, so ordering and search behave alike on both databases.
    sort_key: str = Field(default="", max_length=300)
    search_text: str = Field(default="", sa_type=Text)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)

    emails: list["ContactEmail"] = Relationship(
        sa_relationship_kwargs={**_CHILDREN, "order_by": "ContactEmail.position"}
    )
    phones: list["ContactPhone"] = Relationship(
        sa_relationship_kwargs={**_CHILDREN, "order_by": "ContactPhone.position"}
    )
    accounts: list["ContactAccount"] = Relationship(
        sa_relationship_kwargs={**_CHILDREN, "order_by": "ContactAccount.id"}
    )
    topics: list["ContactTopic"] = Relationship(
        sa_relationship_kwargs={**_CHILDREN, "order_by": "ContactTopic.name"}
    )
    sources: list["ContactSource"] = Relationship(
        sa_relationship_kwargs={**_CHILDREN, "order_by": "ContactSource.id"}
    )


class ContactEmail(SQLModel, table=True):
    __tablename__ = "contact_email"
    __table_args__ = (Index("ix_contact_email_owner_norm", "owner_id", "normalized"),)

    id: int | None = Field(default=None, primary_key=True)
    contact_id: uuid.UUID = contact_fk()
    owner_id: uuid.UUID = owner_fk()
    address: str = Field(max_length=320)
    normalized: str = Field(max_length=320)
    label: str | None = Field(default=None, max_length=50)
    position: int = 0


class ContactPhone(SQLModel, table=True):
    __tablename__ = "contact_phone"
    __table_args__ = (Index("ix_contact_phone_owner_e164", "owner_id", "e164"),)

    id: int | None = Field(default=None, primary_key=True)
    contact_id: uuid.UUID = contact_fk()
    owner_id: uuid.UUID = owner_fk()
    number: str = Field(max_length=64)  # as written
    e164: str | None = Field(default=None, max_length=20)
    label: str | None = Field(default=None, max_length=50)
    position: int = 0


class ContactAccount(SQLModel, table=True):
    """A profile on a network: LinkedIn, X, Mastodon, XING, Facebook, a website ..."""

    __tablename__ = "contact_account"
    __table_args__ = (Index("ix_contact_account_owner_key", "owner_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    contact_id: uuid.UUID = contact_fk()
    owner_id: uuid.UUID = owner_fk()
    network: str = Field(max_length=40)
    account_id: str | None = Field(default=None, max_length=100)  # X ids exceed 2**53: text
    handle: str | None = Field(default=None, max_length=200)
    url: str | None = Field(default=None, max_length=500)
    key: str = Field(max_length=600)  # the strongest normalised identity, for deduplication
    # The user and the contact follow each other on this network.
    mutual: bool = Field(default=False, sa_column_kwargs={"server_default": false()})


class ContactTopic(SQLModel, table=True):
    __tablename__ = "contact_topic"
    __table_args__ = (Index("ix_contact_topic_owner_key", "owner_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    contact_id: uuid.UUID = contact_fk()
    owner_id: uuid.UUID = owner_fk()
    name: str = Field(max_length=100)
    key: str = Field(max_length=100)  # folded name


class ContactSource(SQLModel, table=True):
    """Where a contact came from: a file of an import, or typed in by hand."""

    __tablename__ = "contact_source"

    id: int | None = Field(default=None, primary_key=True)
    contact_id: uuid.UUID = contact_fk()
    owner_id: uuid.UUID = owner_fk()
    format: str = Field(max_length=40)  # importer format name, or "manual"
    file: str | None = Field(default=None, max_length=300)
    connected_on: date | None = None
    import_id: uuid.UUID | None = Field(default=None, index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
