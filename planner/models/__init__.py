"""SQLModel tables, one module per aggregate. Importing this package registers them all."""

from planner.models.calendar_upload import CalendarUpload
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
from planner.models.mail import EmailVerification, MailKind, MailSend
from planner.models.meeting import (
    BusyTime,
    CalendarKind,
    CalendarSource,
    CalendarStatus,
    Meeting,
    MeetingAttendee,
    MeetingStatus,
)
from planner.models.places import GeocodeCache
from planner.models.session import PendingRegistration, SignInAttempt, UserSession
from planner.models.topics import ContactInterest, TopicVocabulary, UserTopic
from planner.models.trip import Decision, SuggestionDecision, Trip, TripLeg
from planner.models.user import User

# Features whose tables live in their own modules, imported from there (this registers them).
from planner.models import event, gathering, relationship, travel  # noqa: F401  isort: skip

__all__ = [
    "BusyTime",
    "CalendarKind",
    "CalendarSource",
    "CalendarStatus",
    "CalendarUpload",
    "Contact",
    "ContactAccount",
    "ContactEmail",
    "ContactInterest",
    "ContactPhone",
    "ContactSource",
    "ContactTopic",
    "Decision",
    "EmailVerification",
    "GeocodeCache",
    "ImportBatch",
    "ImportChange",
    "ImportFile",
    "ImportStatus",
    "LocationSource",
    "MailKind",
    "MailSend",
    "Meeting",
    "MeetingAttendee",
    "MeetingStatus",
    "MergeSuggestion",
    "PendingRegistration",
    "SignInAttempt",
    "Stage",
    "SuggestionDecision",
    "SuggestionStatus",
    "TopicVocabulary",
    "Trip",
    "TripLeg",
    "User",
    "UserSession",
    "UserTopic",
]
