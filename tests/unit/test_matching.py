"""The score and its explanation: every point comes with a reason, in words."""

from datetime import date

import pytest

from planner.matching import (
    Candidate,
    Weights,
    Wording,
    describe,
    explain,
    rank,
    score,
    topic_rarity,
)

TODAY = date(2026, 11, 23)
WEIGHTS = Weights()


def words() -> Wording:
    return Wording(
        gettext=lambda text, **values: text % values if values else text,
        join=lambda items: (
            " and ".join([", ".join(items[:-1]), items[-1]]) if len(items) > 1 else items[0]
        ),
        format_date=lambda d: d.isoformat(),
        topic_label=lambda key: {"employer-branding": "Employer Branding"}.get(key, key.title()),
        network_label=lambda n: {"x": "X", "mastodon": "Mastodon"}.get(n, n),
    )


def scored(**overrides: object) -> tuple[float, list[str]]:
    values: dict[str, object] = {"contact_id": 1, "display_name": "Anna", "distance_km": 14.0}
    values.update(overrides)
    user_topics = frozenset({"employer-branding", "barcamps", "marketing"})
    rarity = topic_rarity({"employer-branding": 3, "barcamps": 10, "marketing": 400}, 1000)
    suggestion = score(
        Candidate(**values),  # type: ignore[arg-type]
        place="München",
        radius_km=30,
        user_topics=user_topics,
        rarity=rarity,
        today=TODAY,
        weights=WEIGHTS,
    )
    return suggestion.score, explain(suggestion, words())


def test_every_suggestion_says_how_far_it_is() -> None:
    _, reasons = scored(distance_km=14.2)
    assert "14 km from München" in reasons


def test_a_contact_at_the_place_itself_says_so() -> None:
    _, reasons = scored(distance_km=0.3)
    assert "in München, less than 1 km away" in reasons


def test_nearer_scores_higher_all_else_equal() -> None:
    assert scored(distance_km=2)[0] > scored(distance_km=20)[0] > scored(distance_km=29)[0]


def test_shared_topics_are_named_rarest_first() -> None:
    _, reasons = scored(topics=frozenset({"marketing", "employer-branding", "unrelated"}))
    assert "shares Employer Branding and Marketing" in reasons


def test_a_rare_shared_topic_weighs_more_than_a_common_one() -> None:
    rare = scored(topics=frozenset({"employer-branding"}))[0]
    common = scored(topics=frozenset({"marketing"}))[0]
    assert rare > common > scored()[0]


def test_many_shared_topics_are_summed_up() -> None:
    rarity = {k: 1.0 for k in "abcde"}
    suggestion = score(
        Candidate(1, "Anna", 5.0, topics=frozenset("abcde")),
        place="X",
        radius_km=30,
        user_topics=frozenset("abcde"),
        rarity=rarity,
        today=TODAY,
        weights=WEIGHTS,
    )
    assert "shares A, B, C and 2 more" in explain(suggestion, words())


def test_known_online_never_met_ranks_above_met_recently() -> None:
    online, online_reasons = scored(stage="online", connected_on=date(2019, 5, 1))
    met, met_reasons = scored(stage="met", last_met=date(2026, 10, 1))
    assert online > met
    assert "connected since 2019, never met" in online_reasons
    assert "met recently, on 2026-10-01" in met_reasons


def test_a_meeting_long_ago_is_overdue() -> None:
    overdue, reasons = scored(stage="met", last_met=date(2024, 3, 1))
    recent, _ = scored(stage="met", last_met=date(2026, 10, 1))
    assert overdue > recent
    assert "last met on 2024-03-01" in reasons


def test_mutual_follows_count_and_are_named() -> None:
    mutual, reasons = scored(mutual_networks=("x", "mastodon"))
    assert mutual > scored()[0]
    assert "you follow each other on X and Mastodon" in reasons


def test_a_fresh_connection_counts_more_than_an_old_one() -> None:
    fresh, reasons = scored(connected_on=date(2026, 10, 30))
    old, _ = scored(connected_on=date(2015, 1, 1))
    assert fresh > old
    assert "connected recently, on 2026-10-30" in reasons


def test_every_point_of_the_score_has_a_reason() -> None:
    suggestion = score(
        Candidate(
            1,
            "Anna",
            3.0,
            topics=frozenset({"barcamps"}),
            connected_on=date(2020, 1, 1),
            mutual_networks=("x",),
        ),
        place="München",
        radius_km=30,
        user_topics=frozenset({"barcamps"}),
        rarity={"barcamps": 2.0},
        today=TODAY,
        weights=WEIGHTS,
    )
    assert suggestion.score == pytest.approx(sum(r.points for r in suggestion.reasons), abs=0.1)
    assert all(r.points >= 0 for r in suggestion.reasons)
    assert suggestion.score <= 100


def test_rank_orders_by_score_then_distance_then_name() -> None:
    candidates = [
        Candidate("far", "Zoe", 25.0),
        Candidate("near-b", "Bert", 5.0),
        Candidate("near-a", "Anna", 5.0),
        Candidate("topic", "Tom", 25.0, topics=frozenset({"barcamps"})),
    ]
    ranked = rank(
        candidates,
        place="X",
        radius_km=30,
        user_topics=frozenset({"barcamps"}),
        rarity={"barcamps": 4.0},
        today=TODAY,
        weights=WEIGHTS,
        limit=3,
    )
    assert [s.contact_id for s in ranked] == ["topic", "near-a", "near-b"]


def test_weights_come_from_the_configuration_by_name() -> None:
    weights = Weights.from_config({"distance": 50, "overdue_after_days": 180})
    assert weights.distance == 50.0 and weights.overdue_after_days == 180
    assert weights.topics == Weights().topics
    with pytest.raises(ValueError, match="unknown match weight"):
        Weights.from_config({"distanse": 1})


def test_a_reason_without_words_is_left_out() -> None:
    _, reasons = scored(connected_on=date(2018, 1, 1))
    assert all(r for r in reasons)
    assert describe(
        score(
            Candidate(1, "A", 1.0),
            place="X",
            radius_km=30,
            user_topics=frozenset(),
            rarity={},
            today=TODAY,
            weights=WEIGHTS,
        ).reasons[0],
        words(),
    )
