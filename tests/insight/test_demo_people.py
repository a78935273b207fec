"""People and circles against the demo world's ground truth (the default world: seed 7).

The bars are what was measured, with a little room, not what would be nice: see
docs/evaluation.md for the same figures on other seeds, including where they fall short.
"""

from __future__ import annotations

import pytest
from tests.insight.demo_events import DemoPeople, build_demo_people

from amity.insight.evaluate import daily_windows, evaluate
from amity.insight.people import PeopleReport, people_report
from amity.model import CIRCLES_IN_ORDER


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> DemoPeople:
    return build_demo_people(tmp_path_factory.mktemp("people"), posts=5000, seed=7)


@pytest.fixture(scope="module")
def report(world: DemoPeople) -> PeopleReport:
    return people_report(world.events, ego=world.user, now=int(world.events.time[-1]))


def _circle_by_key(world: DemoPeople, report: PeopleReport) -> dict[str, int]:
    return {str(world.events.labels[m.other]): m.circle for m in report.circles.members}


def test_the_inner_circles_find_the_close_people(world: DemoPeople, report: PeopleReport) -> None:
    found = _circle_by_key(world, report)
    truth = {p["key"]: p["layer"] for p in world.truth["people"]}
    inner = [key for key, layer in truth.items() if layer == 1]
    close = [key for key, layer in truth.items() if layer in (1, 2)]
    assert 3 <= len(report.circles.members_of(1)) <= 8
    assert sum(found.get(key) == 1 for key in inner) >= 4
    assert all(found.get(key) in (1, 2) for key in inner)
    assert sum(found.get(key) in (1, 2) for key in close) >= 13
    strangers = [key for key, layer in truth.items() if layer == 0]
    assert not any(found.get(key) in (1, 2) for key in strangers)


def test_both_drifting_ties_are_flagged_and_nothing_else(
    world: DemoPeople, report: PeopleReport
) -> None:
    flagged = {str(world.events.labels[d.other]) for d in report.drifting}
    assert flagged == world.keys(where="drifting")
    assert all(d.circle_then in (1, 2) and d.silence_days > 100 for d in report.drifting)


def test_rising_ties_are_real_ones(world: DemoPeople, report: PeopleReport) -> None:
    flagged = {str(world.events.labels[r.other]) for r in report.rising}
    assert flagged and flagged <= world.keys(where="rising")


def test_contacts_come_by_circle_and_explain_themselves(report: PeopleReport) -> None:
    order = [CIRCLES_IN_ORDER.index(c.circle) for c in report.contacts]
    assert order == sorted(order)
    assert report.contacts[0].tie.sent > 50


def test_tie_strength_beats_the_most_recent_contact(world: DemoPeople) -> None:
    windows = daily_windows(world.events)
    assert windows == 73
    result = evaluate(world.events, sources=[world.user], windows=windows)
    figures = result.as_dict()
    assert result.samples == 73
    for key, value in figures["amity"].items():
        assert value > figures["recency"][key], key


def test_the_same_history_gives_the_same_report(world: DemoPeople, report: PeopleReport) -> None:
    again = people_report(world.events, ego=world.user, now=int(world.events.time[-1]))
    assert again == report
