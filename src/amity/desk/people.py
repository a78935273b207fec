"""The user's people, as amity sees them: who each one is to you, by circle, with a name.

This is where the store meets the people analyses: it reads the interaction history, the circle
pins, names and tags, hands the history to ``insight.people.people_report`` and gives each
contact back its person, so the CLI and the web only render. Analyses run as of ``now``; by
default that is the time of the newest interaction in the store, not the clock, because an
archive is a snapshot: a week after an export every tie would look a week quieter than it is.
People the user blocks or mutes on any network are left out: they are no one to talk to today.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import NoReturn

import numpy as np
from sqlalchemy import Connection, select

from amity.desk.workspace import no_own_account
from amity.errors import UsageError
from amity.insight.drift import describe_drift, describe_rise
from amity.insight.evaluate import Evaluation as Evaluation  # the record the CLI renders
from amity.insight.evaluate import daily_windows, evaluate
from amity.insight.eventfile import read_events
from amity.insight.events import Events, make_events
from amity.insight.explanation import describe_tie, duration_words, explain_tie
from amity.insight.pairs import DAY
from amity.insight.people import Contact, people_report
from amity.model import (
    CIRCLES_IN_ORDER,
    FURTHER_OUT,
    Account,
    InteractionKind,
    PersonNote,
    account_name,
)
from amity.store.follows import get_kept_away
from amity.store.history import History, get_history
from amity.store.knowledge import get_circle_pins, get_tags, list_notes
from amity.store.lookup import account_from_row, get_person_named
from amity.store.schema import accounts, people

CHUNK = 900
"""People looked up by id in one ``IN (…)``: under SQLite's limit of host parameters."""


@dataclass(frozen=True, slots=True)
class Person:
    """A person as the user knows them: a name, their accounts, the user's tags."""

    person_id: int
    name: str
    accounts: tuple[Account, ...]
    tags: tuple[str, ...]

    @property
    def has_name(self) -> bool:
        """Return whether the person has a name of their own, not only a handle."""
        plain = {account.handle for account in self.accounts} | set(self.handles)
        return self.name.removeprefix("@") not in plain

    @property
    def handles(self) -> tuple[str, ...]:
        """Return the names that find each of their accounts (``x:ana``)."""
        return tuple(account_name(account) for account in self.accounts)


@dataclass(frozen=True, slots=True)
class Standing:
    """One of the user's contacts: the person, and where they stand (tie, circle, changes)."""

    person: Person
    contact: Contact

    @property
    def explanation(self) -> str:
        """Say in words why the person stands where they do: the facts behind the tie."""
        return describe_tie(explain_tie(self.contact.tie))

    @property
    def drift_explanation(self) -> str | None:
        """Say in words how the tie is drifting; None when it is not."""
        drift = self.contact.drift
        return None if drift is None else describe_drift(drift)

    @property
    def rise_explanation(self) -> str | None:
        """Say in words how the tie is rising; None when it is not."""
        rise = self.contact.rise
        return None if rise is None else describe_rise(rise)

    @property
    def silent_for(self) -> str | None:
        """Say how long a drifting tie has been silent ("7 weeks"); None when it is not drifting."""
        drift = self.contact.drift
        return None if drift is None else duration_words(drift.silence_days)

    @property
    def days_since_last(self) -> float:
        """Return the days from the last interaction with them to the moment of the view."""
        tie = self.contact.tie
        return (tie.now - tie.last_at) / DAY


@dataclass(frozen=True, slots=True)
class Pinned:
    """A person the user put in a circle by hand, with no interaction to score yet."""

    person: Person
    circle: int


@dataclass(frozen=True, slots=True)
class People:
    """Everyone the user interacts with as of ``now``, inner circle first, then by strength.

    ``newest_at`` is the newest interaction in the store (None when there is none). A person
    pinned to a circle but with no interaction before ``now`` has no tie to score: they are in
    ``pinned_apart``, and counted in ``circle_sizes``.
    """

    now: int
    newest_at: int | None
    standings: tuple[Standing, ...]
    drifting: tuple[Standing, ...]
    rising: tuple[Standing, ...]
    circle_sizes: tuple[int, int, int, int, int]
    """People in circles 1 to 4, then everyone further out."""
    kept_away: int = 0
    """People the user blocks or mutes: left out of everything above."""
    pinned_apart: tuple[Pinned, ...] = ()
    """People the user pinned to a circle with no interaction before ``now``."""

    def of(self, person_id: int) -> Standing | None:
        """Return the standing of one person, or None when they are not a contact."""
        return next((s for s in self.standings if s.person.person_id == person_id), None)


def get_people(connection: Connection, *, now: int | None = None) -> People:
    """Score the user's ties as of ``now`` (default: the newest interaction) and name them.

    ``now`` must fall within the history: from the first interaction to the end of the day of
    the newest (beyond it every tie would only look quieter, and far beyond, all alike).
    """
    events, own = _own_events(connection)
    newest = int(events.time[-1]) if len(events) else None
    if now is not None and len(events):
        _check_moment(now, first=int(events.time[0]), newest=int(events.time[-1]))
    when = now if now is not None else (newest or 0)
    events = events.before(when + 1)
    ego = _node_or_none(events, own)
    if ego is None:
        return People(when, newest, (), (), (), (0, 0, 0, 0, 0))
    pins = get_circle_pins(connection)
    dense_pins = {
        dense: circle
        for person, circle in pins.items()
        if (dense := _node_or_none(events, person)) is not None
    }
    away = get_kept_away(connection)
    away_nodes = np.isin(events.labels, list(away))
    kept = ~(away_nodes[events.source] | away_nodes[events.target])
    report = people_report(events.rows(kept), ego=ego, now=when, pins=dense_pins)
    ids = [int(events.labels[contact.tie.other]) for contact in report.contacts]
    seen = {*ids, own, *away}
    apart_pins = {pid: circle for pid, circle in pins.items() if pid not in seen}
    known = get_persons(connection, [*ids, *apart_pins])
    standings = tuple(
        Standing(known[person_id], contact)
        for person_id, contact in zip(ids, report.contacts, strict=True)
    )
    by_node = {standing.contact.tie.other: standing for standing in standings}
    apart = tuple(
        sorted(
            (Pinned(known[pid], circle) for pid, circle in apart_pins.items()),
            key=lambda pinned: (pinned.circle, pinned.person.name),
        )
    )
    circles = [s.contact.circle for s in standings] + [pinned.circle for pinned in apart]
    sizes = tuple(circles.count(circle) for circle in CIRCLES_IN_ORDER)
    return People(
        now=when,
        newest_at=newest,
        standings=standings,
        drifting=tuple(by_node[drift.other] for drift in report.drifting),
        rising=tuple(by_node[rise.other] for rise in report.rising),
        circle_sizes=(sizes[0], sizes[1], sizes[2], sizes[3], sizes[4]),
        kept_away=len(away),
        pinned_apart=apart,
    )


def _check_moment(now: int, *, first: int, newest: int) -> None:
    """Refuse a moment before the history starts, or after the day of its newest interaction."""
    span = f"Give a day from {_day(first)} to {_day(newest)}; leave out --at for your newest data."
    if now < first:
        raise UsageError(
            f"nothing in the store is from {_day(now)} or before: your history starts on"
            f" {_day(first)}",
            hint=span,
        )
    if now // DAY > newest // DAY:
        raise UsageError(
            f"{_day(now)} is after your newest data ({_day(newest)}): amity sees your people only"
            " as far as your history goes",
            hint=f"{span} Import or sync newer data to see further.",
        )


def _day(moment: int) -> str:
    return datetime.fromtimestamp(moment, UTC).date().isoformat()


@dataclass(frozen=True, slots=True)
class PersonPage:
    """One person as `amity people show` gives them: where they stand and what the user knows."""

    people: People
    person: Person
    standing: Standing | None
    notes: tuple[PersonNote, ...]
    pinned_circle: int | None
    kept_away: tuple[InteractionKind, ...]
    is_you: bool


def get_person_page(connection: Connection, name: str, *, now: int | None = None) -> PersonPage:
    """Return the person ``name`` means, where they stand as of ``now``, and the user's notes."""
    person_id, _ = get_person_named(connection, name)
    found = get_people(connection, now=now)
    person = get_persons(connection, [person_id])[person_id]
    return PersonPage(
        people=found,
        person=person,
        standing=found.of(person_id),
        notes=tuple(list_notes(connection, person_id=person_id)),
        pinned_circle=get_circle_pins(connection).get(person_id),
        kept_away=tuple(sorted(get_kept_away(connection).get(person_id, ()))),
        is_you=any(account.is_own for account in person.accounts),
    )


def in_circle_order(found: People) -> list[Standing | Pinned]:
    """Return the contacts and the people pinned apart, circle by circle (pins last in each)."""
    entries: list[Standing | Pinned] = [*found.standings, *found.pinned_apart]
    return sorted(entries, key=lambda entry: CIRCLES_IN_ORDER.index(circle_of(entry)))


def circle_of(entry: Standing | Pinned) -> int:
    """Return the circle an entry of the people list is in (``FURTHER_OUT`` past circle 4)."""
    return entry.circle if isinstance(entry, Pinned) else entry.contact.circle


def select_people(
    found: People,
    *,
    circle: int | None = None,
    everyone: bool = False,
    tag: str | None = None,
    limit: int | None = None,
) -> tuple[Standing | Pinned, ...]:
    """Return the entries of the people list, circle by circle, as filtered.

    ``circle`` keeps one circle (0: further out than circle 4); without it, circles 1 to 4
    are kept, and everyone with ``everyone``. ``tag`` keeps the people tagged so.
    """
    wanted = None if tag is None else tag.strip().lower()
    kept = [
        entry
        for entry in in_circle_order(found)
        if (
            (circle is None and (everyone or circle_of(entry) != FURTHER_OUT))
            or circle_of(entry) == circle
        )
        and (wanted is None or wanted in entry.person.tags)
    ]
    return tuple(kept[:limit])


def get_persons(connection: Connection, person_ids: Sequence[int]) -> dict[int, Person]:
    """Return the named people with their accounts and tags, by person id.

    A few people are looked up by their ids; many (the whole people list) by one pass over the
    tables, which is cheaper than thousands of keyed lookups.
    """
    wanted = set(person_ids)
    names: dict[int, str | None] = {}
    owned: dict[int, list[Account]] = {pid: [] for pid in wanted}
    for part in _id_parts(wanted):
        name_query = select(people.c.id, people.c.display_name)
        account_query = select(accounts).order_by(accounts.c.id)
        if part is not None:
            name_query = name_query.where(people.c.id.in_(part))
            account_query = account_query.where(accounts.c.person_id.in_(part))
        names.update((int(pid), name) for pid, name in connection.execute(name_query))
        for row in connection.execute(account_query):
            if row.person_id in wanted:
                owned[row.person_id].append(account_from_row(row))
    tags = get_tags(connection, person_ids=wanted if len(wanted) <= CHUNK else None)
    return {
        pid: Person(
            person_id=pid,
            name=_person_name(names.get(pid), owned[pid], pid),
            accounts=tuple(owned[pid]),
            tags=tuple(tags.get(pid, ())),
        )
        for pid in wanted
    }


def _id_parts(wanted: set[int]) -> list[list[int] | None]:
    """Split ids into lookups of at most ``CHUNK``; a single full pass (None) beyond that."""
    if len(wanted) > CHUNK:
        return [None]
    return [sorted(wanted)] if wanted else []


def evaluate_file(path: Path, *, learn: float = 0.8, windows: int = 10) -> Evaluation:
    """Replay the interaction list in ``path`` for everyone in it (``amity people evaluate F``)."""
    return _replay(read_events(path), sources=None, learn=learn, windows=windows)


def evaluate_workspace(
    connection: Connection, *, learn: float = 0.8, windows: int | None = None
) -> Evaluation:
    """Replay the workspace's own history for the user alone, one window a day unless told."""
    events, own_person = _own_events(connection)
    own = _node_or_none(events, own_person)
    if own is None:
        _too_few(0)
    if windows is None and len(events) >= 2:
        windows = daily_windows(events, learn=learn)
    return _replay(events, sources=[own], learn=learn, windows=windows or 1)


def _replay(events: Events, *, sources: list[int] | None, learn: float, windows: int) -> Evaluation:
    if len(events) < 2:
        _too_few(len(events))
    return evaluate(events, sources=sources, learn=learn, windows=windows)


def _too_few(count: int) -> NoReturn:
    raise UsageError(
        f"too few interactions to replay ({count:,})",
        hint="The replay learns on the first part of the history and tests on the rest;"
        " it needs interactions on both sides of that line.",
    )


def _own_events(connection: Connection) -> tuple[Events, int]:
    """Return the store's history as events between people, and the user's own person id."""
    history = get_history(connection)
    if history.own_person is None:
        raise no_own_account()
    return history_events(history), history.own_person


def history_events(history: History) -> Events:
    """Return the store's interaction history as an event table between people."""
    return make_events(
        history.actor, history.target, history.at, kind=history.kind, thread=history.thread
    )


def _node_or_none(events: Events, label: int) -> int | None:
    try:
        return events.node(label)
    except KeyError:
        return None


def _person_name(stored: str | None, owned: Sequence[Account], person_id: int) -> str:
    """Return a person's name: the stored one, unless it is only a handle and an account has one.

    An import names a person by their handle where the archive gives no display name (a
    Mastodon export's contacts); a sync brings the display name later, onto the account.
    """
    if stored and stored not in {account.handle for account in owned}:
        return stored
    shown = next((account.display_name for account in owned if account.display_name), None)
    return shown or stored or _fallback_name(owned, person_id)


def _fallback_name(owned: Sequence[Account], person_id: int) -> str:
    for account in owned:
        if account.display_name:
            return account.display_name
    return account_name(owned[0]) if owned else f"#{person_id}"
