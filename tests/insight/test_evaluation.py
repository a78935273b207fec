"""Replaying interactions: the figures on a case worked by hand, and amity against recency."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.insight.builders import events_from

from amity.insight.evaluate import evaluate
from amity.insight.eventfile import read_events

COLLEGE_MSG = Path(__file__).parents[1] / "fixtures" / "snap-collegemsg" / "CollegeMsg.txt"
KEYS = {
    "next_event_mrr",
    "next_event_precision_at_5",
    "next_window_precision_at_5",
    "next_window_precision_at_10",
}


def test_a_case_worked_by_hand() -> None:
    events = events_from(
        [
            ("a", "b", 0, "dm"),
            ("b", "a", 5, "dm"),
            ("a", "b", 10, "dm"),
            ("a", "b", 20, "dm"),
            ("a", "c", 30, "dm"),
            ("a", "b", 100, "dm"),  # learning ends here: 5 of 7 events
            ("a", "c", 110, "dm"),
        ]
    )
    result = evaluate(events, windows=1)
    assert (result.samples, result.learned_until) == (1, 100)
    # c was the most recent contact, so recency ranks b, the next target, second.
    assert result.recency.next_event_mrr == 0.5
    assert result.count.next_event_mrr == result.decayed_count.next_event_mrr == 1.0
    assert result.amity.next_event_mrr == 1.0
    for scores in (result.amity, result.recency, result.count, result.decayed_count):
        assert scores.next_event_precision_at_5 == 1.0
        assert scores.next_window_precision_at_5 == scores.next_window_precision_at_10 == 1.0


def test_json_holds_exactly_the_four_methods_and_four_figures() -> None:
    events = events_from([("a", "b", t, "reply") for t in range(10)])
    figures = evaluate(events, windows=2).as_dict()
    assert list(figures) == ["amity", "recency", "count", "decayed_count"]
    assert all(set(method) == KEYS for method in figures.values())


def test_sources_limit_the_samples_and_bad_settings_are_refused() -> None:
    events = events_from([("a", "b", t, "reply") for t in range(10)] + [("c", "b", 11, "dm")])
    assert evaluate(events, sources=[events.node("c")], windows=1).samples == 0
    with pytest.raises(ValueError):
        evaluate(events, learn=1.0)
    with pytest.raises(ValueError):
        evaluate(events_from([("a", "b", 1, "dm")]))


def test_amity_beats_the_most_recent_contact_on_college_messages() -> None:
    events = read_events(COLLEGE_MSG)
    result = evaluate(events)
    figures = result.as_dict()
    assert result.samples == 1905
    for key in KEYS:
        assert figures["amity"][key] > figures["recency"][key], key
    # The figures docs/evaluation.md reports.
    assert figures["amity"]["next_event_mrr"] == pytest.approx(0.3879, abs=1e-4)
    assert figures["recency"]["next_event_mrr"] == pytest.approx(0.3764, abs=1e-4)
    assert evaluate(events) == result
