from dataclasses import fields

import pytest
from sqlalchemy import String

from planner.contacts import forms
from planner.contacts.fields import TEXT_FIELDS, split_lines, split_topics
from planner.contacts.service import SCALAR_FIELDS, ContactInput
from planner.db import table_of
from planner.importers.records import ContactRecord, SourceRecord
from planner.imports import plan
from planner.models import Contact


def test_lines_and_topics_are_trimmed_and_deduplicated() -> None:
    lines = split_lines(" a@x.example \n\n b@x.example\na@x.example")
    assert lines == ["a@x.example", "b@x.example"]
    assert split_topics("Barcamps, Employer Branding; HR,,Barcamps") == [
        "Barcamps",
        "Employer Branding",
        "HR",
    ]


def test_each_text_field_is_a_text_column_and_a_field_of_input_and_record() -> None:
    columns = table_of(Contact).c
    for name in TEXT_FIELDS:
        column_type = columns[name].type  # SQLModel's AutoString decorates a String
        assert isinstance(getattr(column_type, "impl", column_type), String), name
    assert set(TEXT_FIELDS) <= {f.name for f in fields(ContactInput)}
    assert set(TEXT_FIELDS) <= {f.name for f in fields(ContactRecord)}
    assert set(TEXT_FIELDS) <= set(SCALAR_FIELDS)


def test_the_places_that_read_the_text_fields_take_what_they_took_by_hand() -> None:
    # a merge fills names, work and birthday; the place moves whole, notes are appended
    assert plan._FILLED == (
        "first_name",
        "last_name",
        "display_name",
        "nickname",
        "organization",
        "title",
        "birthday",
    )
    # the form: all but the country (a name), the birthday (three fields), the place's text
    assert forms._TYPED_TEXT == (
        "first_name",
        "last_name",
        "display_name",
        "nickname",
        "organization",
        "title",
        "city",
        "region",
        "postal_code",
        "notes",
    )


def test_records_and_inputs_take_their_text_by_keyword_only() -> None:
    record = ContactRecord(3, SourceRecord("generic_csv", "list.csv"), first_name="Ada")
    assert (record.row, record.first_name) == (3, "Ada")
    with pytest.raises(TypeError):
        ContactInput("Ada")  # type: ignore[misc]
