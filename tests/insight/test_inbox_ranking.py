"""Where a conversation sits in the inbox: the named weights, and the reasons in words."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from amity.insight.asks import NOT_ASKING, QUESTION, Asking
from amity.insight.inbox import WAIT_FULL_DAYS, Waiting, place
from amity.insight.pairs import DAY
from amity.model import FURTHER_OUT

ASKING = Asking(asks=True, why=QUESTION)


TOMAS = Waiting(
    name="Tomas", circle=2, strength=1.0, asking=ASKING, waited=3 * DAY, you_started=False
)


def waiting(**changed: Any) -> Waiting:
    return replace(TOMAS, **changed)


def test_the_why_says_who_what_and_how_long() -> None:
    assert place(waiting()).why == "Tomas, circle 2, asks you something, waiting 3 days"
    assert place(waiting(you_started=True, asking=NOT_ASKING)).why == (
        "Tomas, circle 2, answers you, waiting 3 days"
    )
    assert place(waiting(circle=None)).reasons[1] == "new to you"
    assert place(waiting(circle=FURTHER_OUT)).reasons[1] == "further out"


def test_closer_people_come_first_and_strength_orders_a_circle() -> None:
    scores = [place(waiting(circle=circle)).score for circle in (1, 2, 3, 4, FURTHER_OUT)]
    assert scores == sorted(scores, reverse=True) and len(set(scores)) == 5
    assert place(waiting(strength=5.0)).score > place(waiting(strength=0.5)).score
    assert place(waiting(circle=FURTHER_OUT)).score > place(waiting(circle=None)).score


def test_a_question_and_a_conversation_of_yours_count() -> None:
    assert place(waiting()).score > place(waiting(asking=NOT_ASKING)).score
    assert place(waiting(you_started=True)).score > place(waiting()).score


def test_waiting_adds_up_to_a_limit_and_an_old_remark_never_buries_a_fresh_question() -> None:
    day, week = place(waiting(waited=DAY)).score, place(waiting(waited=int(WAIT_FULL_DAYS) * DAY))
    assert week.score > day
    assert place(waiting(waited=400 * DAY)).score == week.score
    old_remark = place(waiting(asking=NOT_ASKING, waited=400 * DAY))
    assert place(waiting(waited=0)).score > old_remark.score
