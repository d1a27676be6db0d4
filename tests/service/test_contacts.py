from datetime import date
from typing import Any

from sqlmodel import Session

from planner.contacts import service
from planner.contacts.service import ContactInput
from planner.identifiers import Account


def test_a_contact_keeps_every_field_of_the_export_shape(db: Session, make_user: Any) -> None:
    owner = make_user()
    data = ContactInput(
        first_name="Çağla",
        last_name="Yıldırım",
        organization="Brückner, Kaya & Partner mbB",
        title='Partnerin "Digitale Verwaltung"',
        emails=["C.Yildirim@Example.org"],
        phones=["0171 1234567"],
        accounts=[Account("x", "1234567890123456789", "cagla", None)],
        city="Köln",
        country="de",
        birthday="--04-02",
        topics=["Open Data", "Barcamps"],
        notes="met at #bcki",
        stage="met",
        last_met=date(2025, 5, 1),
    )
    contact = service.create_contact(db, owner=owner, data=data)
    db.commit()
    exported = service.export_contacts(db, owner=owner)
    assert len(exported) == 1
    doc = exported[0]
    assert doc["id"] == str(contact.id)
    assert doc["display_name"] == "Çağla Yıldırım"
    assert doc["emails"] == ["C.Yildirim@Example.org"]
    assert doc["accounts"] == [
        {"network": "x", "id": "1234567890123456789", "handle": "cagla", "url": None}
    ]
    assert doc["country"] == "DE"
    assert doc["topics"] == ["Barcamps", "Open Data"]
    assert doc["birthday"] == "--04-02"
    assert doc["last_met"] == "2025-05-01"
    assert doc["sources"] == [{"format": "manual", "file": None, "connected_on": None}]
    assert contact.phones[0].e164 == "+491711234567"
    assert contact.emails[0].normalized == "c.yildirim@example.org"


def test_search_finds_umlauts_however_they_are_typed(
    db: Session, make_user: Any, make_contact: Any
) -> None:
    owner = make_user()
    make_contact(owner, first_name="Jörg", last_name="Müller", organization="Straßenbau AG")
    make_contact(owner, first_name="Lena", last_name="Schmidt", city="Hamburg")
    for query in ("müller", "MUELLER", "muller", "jörg mül", "strassenbau"):
        names = [c.display_name for c in service.list_contacts(db, owner=owner, query=query).items]
        assert names == ["Jörg Müller"], query
    assert service.list_contacts(db, owner=owner, query="hamburg").total == 1
    assert service.list_contacts(db, owner=owner, query="100%").total == 0


def test_list_is_sorted_by_name_and_paginated(
    db: Session, make_user: Any, make_contact: Any
) -> None:
    owner = make_user()
    for name in ["Zoe", "Ärne", "anton", "Bea", "Özil"]:
        make_contact(owner, first_name=name, last_name=None)
    first = service.list_contacts(db, owner=owner, page=1, per_page=2)
    assert first.total == 5 and first.pages == 3 and first.has_next and not first.has_prev
    names = [
        c.display_name
        for p in (1, 2, 3)
        for c in service.list_contacts(db, owner=owner, page=p, per_page=2).items
    ]
    assert names == ["anton", "Ärne", "Bea", "Özil", "Zoe"]  # Ä sorts as A


def test_one_users_search_never_returns_another_users_contacts(
    db: Session, make_user: Any, make_contact: Any
) -> None:
    alice, bob = make_user(), make_user()
    make_contact(alice, first_name="Geheim")
    assert service.list_contacts(db, owner=bob, query="geheim").total == 0
    assert service.export_contacts(db, owner=bob) == []
    assert service.count_contacts(db, owner=bob)["total"] == 0


def test_updating_replaces_multi_valued_fields(
    db: Session, make_user: Any, make_contact: Any
) -> None:
    owner = make_user()
    contact = make_contact(owner, emails=["old@example.org"], topics=["HR"])
    data = service.contact_to_input(contact)
    data.emails = ["new@example.org"]
    data.topics = ["Employer Branding"]
    service.update_contact(db, contact=contact, data=data)
    db.commit()
    doc = service.export_contacts(db, owner=owner)[0]
    assert doc["emails"] == ["new@example.org"]
    assert doc["topics"] == ["Employer Branding"]
    assert service.list_contacts(db, owner=owner, query="old@example").total == 0


def test_a_name_is_derived_when_only_an_account_is_known(db: Session, make_user: Any) -> None:
    owner = make_user()
    data = ContactInput(
        accounts=[Account("mastodon", None, "anna@chaos.social", "https://chaos.social/@anna")]
    )
    contact = service.create_contact(db, owner=owner, data=data)
    assert contact.display_name == "anna@chaos.social"
