"""Dates and times as each language writes them, on the right wall clock."""

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from flask import Flask
from flask_babel import Babel, force_locale

from planner.datetimes import format_at, format_birthday, format_day, format_span

WEDNESDAY = datetime(2027, 1, 20, 8, 30, tzinfo=UTC)  # 09:30 in Vienna and Berlin


@pytest.fixture
def berliner() -> Iterator[None]:
    """A request of a reader whose home clock is Berlin's."""
    app = Flask(__name__)
    app.config["BABEL_DEFAULT_TIMEZONE"] = "Europe/Berlin"
    Babel(app)
    with app.test_request_context():
        yield


@pytest.mark.parametrize(
    ("locale", "style", "expected"),
    [
        ("de", "date_long", "Mittwoch, 20. Januar 2027"),
        ("de", "day", "Mi., 20. Jan."),
        ("de", "date", "20. Jan. 2027"),
        ("de", "day_year_time", "Mi., 20. Jan. 2027, 09:30"),
        ("en", "date_long", "Wednesday, January 20, 2027"),
        ("en", "day", "Wed, Jan 20"),
        ("en", "day_time", "Wed, Jan 20, 9:30\u202fAM"),  # CLDR: a narrow no-break space
    ],
)
def test_each_language_writes_dates_its_own_way(
    berliner: None, locale: str, style: str, expected: str
) -> None:
    with force_locale(locale):
        assert format_at(WEDNESDAY, None, style) == expected


def test_a_time_at_another_place_names_its_city(berliner: None) -> None:
    with force_locale("de"):
        assert format_at(WEDNESDAY, "Europe/Berlin", "day_time") == "Mi., 20. Jan., 09:30"
        assert format_at(WEDNESDAY, "America/New_York", "time") == "03:30 (New York)"
        assert format_at(WEDNESDAY, "Europe/Vienna", "day") == "Mi., 20. Jan."  # no clock


def test_a_span_names_one_date_when_it_ends_the_same_day(berliner: None) -> None:
    later = datetime(2027, 1, 20, 9, 30, tzinfo=UTC)
    with force_locale("de"):
        assert (
            format_span(WEDNESDAY, later, "Europe/Vienna", "date_long")
            == "Mittwoch, 20. Januar 2027, 09:30–10:30 (Wien)"
        )
        friday = datetime(2027, 1, 22, 17, 0, tzinfo=UTC)
        assert (
            format_span(WEDNESDAY, friday, "Europe/Berlin", "day")
            == "Mi., 20. Jan., 09:30 – Fr., 22. Jan., 18:00"
        )


def test_the_clock_change_is_followed(berliner: None) -> None:
    summer = datetime(2027, 7, 1, 8, 30, tzinfo=UTC)
    with force_locale("de"):
        assert format_at(summer, None, "time") == "10:30"


def test_calendar_days_and_birthdays(berliner: None) -> None:
    with force_locale("de"):
        assert format_day(date(2026, 12, 5)) == "5. Dez. 2026"
        assert format_birthday("--04-02") == "2. April"
        assert format_birthday("1980-04-02") == "2. April 1980"
    with force_locale("en"):
        assert format_birthday("--04-02") == "April 2"


def test_naive_times_and_unknown_styles_are_refused(berliner: None) -> None:
    with pytest.raises(ValueError, match="naive"):
        format_at(datetime(2027, 1, 20, 9, 30), "Europe/Berlin")
    with pytest.raises(ValueError, match="style"):
        format_at(WEDNESDAY, None, "EEEE d MMMM y")


def test_templates_name_styles_never_patterns() -> None:
    """Flask-Babel's own filters take patterns and the default (UTC) clock: not in our pages."""
    from planner.paths import ROOT

    offenders = [
        f"{path.relative_to(ROOT)}: {line.strip()[:80]}"
        for path in (ROOT / "templates").rglob("*.html")
        for line in path.read_text(encoding="utf-8").splitlines()
        if "datetimeformat" in line or "dateformat" in line or "timeformat" in line
    ]
    assert not offenders, offenders
