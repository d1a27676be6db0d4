"""Events on a trip and at home: where and when, the topics, and whom you may meet there."""

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from planner.events.matching import (
    ContactIndex,
    EventMatch,
    EventOccurrence,
    EventPerson,
    EventWording,
    KnownContact,
    Stay,
    account_keys,
    addresses,
    explain,
    match_home,
    match_trip,
    name_candidates,
    name_forms,
)
from planner.topics import Vocabulary

VOCABULARY = Vocabulary.default("en")
MUNICH = (48.137, 11.575)
BERLIN = (52.520, 13.405)
HAMBURG = (53.551, 9.994)
TOPICS = frozenset({"new-work", "barcamps"})


def at(day: int, hour: int = 10, month: int = 9) -> datetime:
    return datetime(2027, month, day, hour, tzinfo=UTC)


def munich_leg(**overrides: Any) -> Stay:
    values: dict[str, Any] = {
        "key": "leg-munich",
        "place": "Munich",
        "lat": MUNICH[0],
        "lon": MUNICH[1],
        "radius_km": 30.0,
        "timezone": "Europe/Berlin",
        "arrives": at(24, 8),  # Friday 10:00 local
        "departs": at(27, 16),  # Monday 18:00 local
    }
    values.update(overrides)
    return Stay(**values)


def event(**overrides: Any) -> EventOccurrence:
    values: dict[str, Any] = {
        "key": overrides.get("uid", "e1"),
        "uid": "e1",
        "summary": "Barcamp München",
        "start": at(25, 7),
        "end": at(25, 16),
        "lat": 48.14,
        "lon": 11.58,
        "city": "Munich",
    }
    values.update(overrides)
    return EventOccurrence(**values)


def words() -> EventWording:
    def gettext(text: str, **values: Any) -> str:
        return text % values if values else text

    def ngettext(singular: str, plural: str, n: int, **values: Any) -> str:
        values.setdefault("num", n)
        return (singular if n == 1 else plural) % values

    return EventWording(
        gettext=gettext,
        ngettext=ngettext,
        join=lambda items: (
            " and ".join([", ".join(items[:-1]), items[-1]]) if len(items) > 1 else items[0]
        ),
        topic_label=VOCABULARY.label,
    )


def trip(
    occurrences: Sequence[EventOccurrence],
    legs: Sequence[Stay] | None = None,
    contacts: Sequence[KnownContact] = (),
    **options: Any,
) -> list[EventMatch]:
    return match_trip(
        occurrences,
        legs or [munich_leg()],
        vocabulary=VOCABULARY,
        user_topics=options.pop("user_topics", TOPICS),
        contacts=ContactIndex(contacts),
        **options,
    )


def reasons(match: EventMatch) -> list[str]:
    return explain(match, words())


def named(occurrence: EventOccurrence, *contacts: KnownContact) -> list[str]:
    return [c.display_name for c in ContactIndex(contacts).named_in(occurrence)]


LOTTE = KnownContact(
    "c-lotte",
    "Lotte Berg",
    emails=("lotte@example.org",),
    accounts=("mastodon:handle:lotte@norden.social",),
)
JUERGEN = KnownContact("c-juergen", "Jürgen Müller")
ANNA_BERG = KnownContact("c-anna-berg", "Anna Berg")
ANNA_SCHMIDT = KnownContact("c-anna-schmidt", "Anna Schmidt")


# --- where and when ---------------------------------------------------------------------------


def test_an_event_in_the_city_during_the_stay_says_so() -> None:
    [match] = trip([event()])
    assert reasons(match)[0] == "in Munich during your stay"
    assert match.stay.key == "leg-munich"


def test_an_event_in_another_city_at_the_same_time_is_not_proposed() -> None:
    berlin = event(uid="berlin", summary="Meetup Berlin", lat=BERLIN[0], lon=BERLIN[1])
    assert trip([berlin]) == []


def test_a_cancelled_event_is_never_proposed() -> None:
    assert trip([event(status="CANCELLED")]) == []
    assert trip([event(status="cancelled")]) == []


def test_an_online_only_event_is_never_proposed() -> None:
    webinar = event(online=True, lat=None, lon=None, city=None, url="https://example.org/w")
    assert trip([webinar]) == []


def test_an_online_event_with_a_venue_too_is_proposed() -> None:
    assert len(trip([event(online=True)])) == 1


def test_an_event_without_coordinates_counts_in_its_city() -> None:
    [match] = trip([event(lat=None, lon=None, city="munich")])
    assert reasons(match)[0] == "in Munich during your stay"
    assert trip([event(lat=None, lon=None, city="Augsburg")]) == []


def test_an_event_a_little_outside_the_city_names_the_distance() -> None:
    [match] = trip([event(lat=48.40, lon=11.75)], legs=[munich_leg(radius_km=40.0)])  # 32 km
    assert reasons(match)[0] == "32 km from Munich, during your stay"


def test_an_event_beyond_the_radius_is_not_proposed() -> None:
    assert trip([event(lat=48.37, lon=10.90)]) == []  # Augsburg, 55 km


def test_the_day_after_leaving_offers_to_stay_a_day_longer() -> None:
    [match] = trip([event(start=at(28, 7), end=at(28, 15))])
    assert reasons(match)[0] == (
        "the day after you leave Munich: stay a day longer for Barcamp München"
    )


def test_two_days_after_leaving_still_counts_three_do_not() -> None:
    [match] = trip([event(start=at(29, 7), end=at(29, 15))])
    assert reasons(match)[0].startswith("2 days after you leave Munich: stay 2 days longer")
    assert trip([event(start=at(30, 7), end=at(30, 15))]) == []


def test_the_evening_of_the_departure_day() -> None:
    [match] = trip([event(start=at(27, 17), end=at(27, 20))])
    assert reasons(match)[0].startswith("later on the day you leave Munich")


def test_the_day_before_arriving_offers_to_come_earlier() -> None:
    [match] = trip([event(start=at(23, 7), end=at(23, 15))])
    assert reasons(match)[0] == (
        "the day before you arrive in Munich: come a day earlier for Barcamp München"
    )


def test_an_all_day_event_ending_at_midnight_before_arrival_is_the_day_before() -> None:
    # DTEND is exclusive: 22-23 September is the 22nd alone, two days before the 24th
    [match] = trip([event(start=date(2027, 9, 22), end=date(2027, 9, 23))])
    assert reasons(match)[0].startswith("2 days before you arrive in Munich")


def test_an_all_day_event_on_the_arrival_day_is_during_the_stay() -> None:
    [match] = trip([event(start=date(2027, 9, 24), end=None)])
    assert reasons(match)[0] == "in Munich during your stay"


def test_an_all_day_event_spanning_the_stay_is_during_it() -> None:
    [match] = trip([event(start=date(2027, 9, 20), end=date(2027, 10, 1))])
    assert reasons(match)[0] == "in Munich during your stay"


def test_a_floating_time_is_read_at_the_place() -> None:
    # 19:00 local on the departure day, the departure is 18:00 local: after, not during
    floating = event(start=datetime(2027, 9, 27, 19), end=datetime(2027, 9, 27, 21))
    [match] = trip([floating])
    assert match.reasons[0].code == "after"


def test_an_event_near_two_legs_is_proposed_once_at_the_leg_it_fits_best() -> None:
    first = munich_leg(key="first", departs=at(25, 6))
    second = munich_leg(key="second", arrives=at(26, 8), departs=at(27, 8))
    # on the 26th: the day after the first leg, during the second
    [match] = trip([event(start=at(26, 9), end=at(26, 12))], legs=[first, second])
    assert match.stay.key == "second"
    assert match.reasons[0].code == "during"


def test_each_leg_gets_its_own_city_events() -> None:
    hamburg = munich_leg(
        key="hamburg",
        place="Hamburg",
        lat=HAMBURG[0],
        lon=HAMBURG[1],
        arrives=at(28),
        departs=at(30),
    )
    in_hamburg = event(
        uid="hh", summary="Elbcamp", start=at(29), end=at(29, 15), lat=53.55, lon=10.0
    )
    matches = trip([event(), in_hamburg], legs=[munich_leg(), hamburg])
    assert {(m.occurrence.uid, m.stay.key) for m in matches} == {
        ("e1", "leg-munich"),
        ("hh", "hamburg"),
    }


def test_occurrences_of_a_series_are_kept_apart() -> None:
    first = event(key=("e1", "a"), start=at(25, 7), end=at(25, 9))
    second = event(key=("e1", "b"), start=at(26, 7), end=at(26, 9))
    assert len(trip([first, second])) == 2


# --- topics -------------------------------------------------------------------------------


def test_shared_topics_come_from_categories_summary_and_description() -> None:
    [match] = trip(
        [event(summary="Open Space", categories=("Barcamp",), description="Alles über New Work")]
    )
    assert "about Barcamps and New work, your topics" in reasons(match)


def test_topics_through_the_synonym_table() -> None:
    [match] = trip([event(summary="Unkonferenz zur Zukunft der Arbeit", categories=())])
    assert match.topics >= {"barcamps", "new-work"}


def test_no_topic_reason_without_a_shared_topic() -> None:
    [match] = trip([event(summary="Stammtisch", description="")])
    assert [r.code for r in match.reasons] == ["during"]


def test_contacts_near_the_venue_sharing_its_topics_are_counted() -> None:
    def nearby(occurrence: EventOccurrence, topics: frozenset[str]) -> dict[str, int]:
        assert "new-work" in topics
        return {"new-work": 7, "barcamps": 2}

    [match] = trip([event(summary="New Work Barcamp")], nearby=nearby)
    assert "7 of your contacts near Munich share New work" in reasons(match)


def test_one_contact_near_the_venue_is_singular() -> None:
    [match] = trip([event(summary="New Work Stammtisch")], nearby=lambda o, t: {"new-work": 1})
    assert "1 of your contacts near Munich shares New work" in reasons(match)


# --- whom you may meet ----------------------------------------------------------------------


def test_a_contact_on_the_programme_is_named() -> None:
    barcamp = event(description="Sessions:\n- Lotte Berg: Remote first\n- Max Mustermann")
    [match] = trip([barcamp], contacts=[LOTTE, ANNA_BERG])
    assert "your contact Lotte Berg is on the programme" in reasons(match)
    assert [c.contact_id for c in match.contacts] == ["c-lotte"]


def test_the_organizer_by_address_whatever_the_name_written() -> None:
    meetup = event(organizer=EventPerson("Orga-Team", "mailto:LOTTE@example.org"))
    [match] = trip([meetup], contacts=[LOTTE])
    assert "organised by your contact Lotte Berg" in reasons(match)


def test_an_attendee_by_address_or_name() -> None:
    people = (EventPerson(None, "lotte@example.org"), EventPerson("Jürgen Müller", None))
    [match] = trip([event(attendees=people)], contacts=[LOTTE, JUERGEN])
    assert "your contacts Lotte Berg and Jürgen Müller take part" in reasons(match)


def test_a_mastodon_handle_in_the_description_names_its_contact() -> None:
    assert named(event(description="Mit @lotte@norden.social!"), LOTTE) == ["Lotte Berg"]


def test_a_handle_on_another_instance_is_someone_else() -> None:
    assert named(event(description="Mit @lotte@mastodon.social"), LOTTE) == []


def test_a_longer_handle_is_someone_else() -> None:
    assert named(event(description="Mit @lotte2@norden.social"), LOTTE) == []


def test_a_profile_address_names_its_contact() -> None:
    assert named(event(description="Speaker: https://norden.social/@lotte"), LOTTE) == [
        "Lotte Berg"
    ]


def test_a_bare_handle_names_an_x_account_only() -> None:
    on_x = KnownContact("c-x", "Peter Pan", accounts=("x:handle:ppan",))
    assert named(event(description="Keynote by @PPan."), on_x) == ["Peter Pan"]
    assert named(event(description="Keynote by @lotte"), LOTTE) == []


def test_an_address_in_the_description_names_its_contact() -> None:
    assert named(event(description="Fragen an lotte@example.org."), LOTTE) == ["Lotte Berg"]


def test_a_first_name_alone_names_nobody() -> None:
    assert named(event(description="Lotte erzählt von Barcamps"), LOTTE) == []


def test_a_longer_last_name_is_someone_else() -> None:
    assert named(event(description="Lotte Bergmann spricht"), LOTTE) == []


def test_a_double_name_is_someone_else() -> None:
    assert named(event(description="Anna Berg-Schmidt moderiert"), ANNA_BERG) == []


def test_a_double_name_is_matched_whole() -> None:
    double = KnownContact("c-double", "Anna Berg-Schmidt")
    assert named(event(description="Anna Berg-Schmidt moderiert"), double, ANNA_BERG) == [
        "Anna Berg-Schmidt"
    ]


def test_two_contacts_with_the_same_first_name() -> None:
    text = "Panel: Anna Schmidt, Jan Peters"
    assert named(event(description=text), ANNA_BERG, ANNA_SCHMIDT) == ["Anna Schmidt"]


def test_umlauts_and_their_spelling_with_e() -> None:
    assert named(event(description="Vortrag: JUERGEN MUELLER"), JUERGEN) == ["Jürgen Müller"]
    assert named(event(description="Vortrag: Jürgen Müller"), JUERGEN) == ["Jürgen Müller"]
    mueller = KnownContact("c-m", "Juergen Mueller")
    assert named(event(description="Vortrag: Jürgen Müller"), mueller) == ["Juergen Mueller"]


def test_titles_and_possessives_do_not_hide_a_name() -> None:
    doctor = KnownContact("c-dr", "Dr. Anna Berg")
    assert named(event(description="Prof. Dr. Anna Berg's keynote"), doctor) == ["Dr. Anna Berg"]


def test_first_and_last_name_match_when_the_display_name_differs() -> None:
    styled = KnownContact("c-s", "Anna 🌻 (she/her)", first_name="Anna", last_name="Berg")
    assert named(event(description="mit Anna Berg"), styled) == ["Anna 🌻 (she/her)"]


def test_a_single_word_display_name_is_never_matched() -> None:
    assert named(event(description="Lotte"), KnownContact("c-1", "Lotte")) == []


def test_a_name_across_a_line_break_or_punctuation_is_matched() -> None:
    assert named(event(description="Speakers: Lotte\nBerg, Anna Schmidt."), LOTTE) == ["Lotte Berg"]


def test_the_strongest_role_wins_for_one_contact() -> None:
    both = event(
        organizer=EventPerson("Lotte Berg", "lotte@example.org"),
        description="Moderation: Lotte Berg",
    )
    [contact] = ContactIndex([LOTTE]).named_in(both)
    assert contact.role == "organizer"


def test_many_named_contacts_are_summed_up() -> None:
    people = [KnownContact(f"c{i}", f"Person Nummer{chr(65 + i)}") for i in range(6)]
    text = ", ".join(p.display_name for p in people)
    [match] = trip([event(description=text)], contacts=people)
    assert any(r.endswith("and 2 more are on the programme") for r in reasons(match))


# --- helpers for the database -------------------------------------------------------------------


def test_name_forms_need_two_words() -> None:
    assert name_forms("Lotte") == set()
    assert name_forms("Dr. Lotte") == set()
    assert name_forms("Jürgen Müller") == {("jurgen", "muller"), ("juergen", "mueller")}


def test_name_candidates_are_capitalised_phrases_with_particles() -> None:
    found = name_candidates(event(description="mit Anna von Berg und der Jury"))
    assert "anna von berg" in found
    assert "der jury" not in found
    assert "anna von" not in found


def test_addresses_and_account_keys_of_an_event() -> None:
    e = event(
        organizer=EventPerson("X", "orga@example.org"),
        description="@lotte@norden.social, https://www.linkedin.com/in/anna-berg/ a@b.de",
    )
    assert addresses(e) == {"orga@example.org": "organizer", "a@b.de": "programme"}
    keys = account_keys(e)
    assert "mastodon:handle:lotte@norden.social" in keys
    assert "linkedin:handle:anna-berg" in keys


# --- at home and the order ---------------------------------------------------------------------


def test_at_home_events_within_the_radius() -> None:
    home = Stay("home", "Munich", MUNICH[0], MUNICH[1], 50.0, "Europe/Berlin")
    near = event(uid="near", lat=48.40, lon=11.75)  # 32 km
    far = event(uid="far", lat=BERLIN[0], lon=BERLIN[1])
    matches = match_home(
        [near, far, event(uid="off", status="CANCELLED")],
        home,
        vocabulary=VOCABULARY,
        user_topics=TOPICS,
        contacts=ContactIndex([]),
    )
    assert [m.occurrence.uid for m in matches] == ["near"]
    assert reasons(matches[0])[0] == "32 km from Munich, where you live"


def test_a_named_contact_ranks_an_event_above_one_without() -> None:
    plain = event(uid="plain", summary="Stammtisch", start=at(25, 7))
    with_lotte = event(
        uid="lotte",
        summary="Stammtisch",
        description="mit Lotte Berg",
        start=at(26, 7),
        end=at(26, 9),
    )
    matches = trip([plain, with_lotte], contacts=[LOTTE])
    assert [m.occurrence.uid for m in matches] == ["lotte", "plain"]


def test_the_limit() -> None:
    many = [
        event(uid=f"e{i}", key=f"e{i}", start=at(25, 7) + timedelta(minutes=i)) for i in range(30)
    ]
    assert len(trip(many, limit=5)) == 5


@pytest.mark.parametrize("status", ["CONFIRMED", "TENTATIVE"])
def test_confirmed_and_tentative_events_are_proposed(status: str) -> None:
    assert len(trip([event(status=status)])) == 1


def test_acceptance_munich_trip() -> None:
    """The issue's check: the Munich barcamp with the contact on its programme; not the Berlin
    meetup at the same time, the cancelled conference or the online-only webinar."""
    barcamp = event(
        uid="barcamp",
        summary="Barcamp München",
        categories=("Barcamp", "New Work"),
        description="Programm:\n10:00 Lotte Berg – Remote first\n11:00 Max Muster – Podcasts",
    )
    berlin = event(
        uid="berlin", summary="New Work Meetup", lat=BERLIN[0], lon=BERLIN[1], city="Berlin"
    )
    cancelled = event(
        uid="conf", summary="HR Konferenz", status="CANCELLED", description="Lotte Berg"
    )
    webinar = event(
        uid="web", summary="Webinar New Work", online=True, lat=None, lon=None, city=None
    )
    matches = trip([barcamp, berlin, cancelled, webinar], contacts=[LOTTE, ANNA_BERG])
    assert [m.occurrence.uid for m in matches] == ["barcamp"]
    said = reasons(matches[0])
    assert "in Munich during your stay" in said
    assert "your contact Lotte Berg is on the programme" in said


def test_name_candidates_stay_within_a_line_or_list_item() -> None:
    found = name_candidates(event(description="Speakers: Lotte Berg, Anna Schmidt\nJan Peters"))
    assert {"lotte berg", "anna schmidt", "jan peters"} <= found
    assert "berg anna" not in found and "schmidt jan" not in found


def test_name_candidates_spell_umlauts_both_ways() -> None:
    assert "jurgen muller" in name_candidates(event(description="mit Jürgen Müller"))
    assert "juergen mueller" in name_candidates(event(description="mit Jürgen Müller"))
    assert "michael muller" in name_candidates(event(description="mit Michael Mueller"))
