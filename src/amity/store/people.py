"""People and their accounts: list them for matching, merge them, split them, keep them apart.

Only the user's own commands call the writes here. Imports file new accounts with
``writes.create_missing_people``, which leaves filed accounts alone, so a merge or a split holds
through any number of re-imports; and every decision is also written to ``identity_decisions``
under the accounts' natural keys, so a rejected pair is never suggested again. A person merged
into another keeps its row and its number, pointing at the person kept (``merged_into``), so
``#NUMBER`` finds them however many merges later.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from sqlalchemy import Connection, delete, func, select, update

from amity.errors import IdentityConflict, NotFound
from amity.model import Account, AccountKey, PersonAccount, account_name
from amity.store.knowledge import move_knowledge
from amity.store.lookup import NAME_HINT, account_from_row
from amity.store.schema import accounts, identity_decisions, people

OWN_HINT = (
    "Your own accounts are one person already: you. To add another account of yours, import its"
    " archive with `amity import PATH --also-mine`."
)


@dataclass(frozen=True, slots=True)
class Merged:
    """The person that accounts were merged into, all their accounts, and the people merged.

    ``merged_ids`` are the numbers of the people merged into ``person_id``; they find it still.
    """

    person_id: int
    accounts: tuple[Account, ...]
    merged_ids: tuple[int, ...] = ()

    @property
    def people_merged(self) -> int:
        """Return how many people were merged into the one kept."""
        return len(self.merged_ids)


@dataclass(frozen=True, slots=True)
class Split:
    """The account given a person of its own, and the accounts it is now kept apart from."""

    account: Account
    person_id: int
    kept_apart_from: tuple[Account, ...]


def list_person_accounts(connection: Connection) -> list[PersonAccount]:
    """Return every account with the person it is filed under, for matching people."""
    rows = connection.execute(select(accounts).order_by(accounts.c.id))
    return [PersonAccount(account_from_row(row), row.person_id) for row in rows]


def list_rejected_pairs(connection: Connection) -> set[frozenset[AccountKey]]:
    """Return the pairs of accounts the user said are not one person."""
    decisions = identity_decisions.c
    rows = connection.execute(select(identity_decisions).where(decisions.decision == "rejected"))
    return {
        frozenset({(row.first_platform, row.first_platform_id),
                   (row.second_platform, row.second_platform_id)})
        for row in rows
    }  # fmt: skip


def merge_accounts(connection: Connection, *, keys: Sequence[AccountKey], now: int) -> Merged:
    """Make the accounts named by ``keys``, and every account of their people, one person.

    The person kept is the one with the most accounts, then the earliest; the others' notes,
    tags and circle pin move to it, and they stay only as numbers that lead to it. The person
    kept takes a merged person's name if its own was only one of the accounts' handles.
    """
    rows = _require(connection, keys)
    _refuse_own_with_contacts(rows)
    people_ids = sorted({row.person_id for row in rows if row.person_id is not None})
    keep = _keeper(connection, people_ids) if people_ids else _new_person(connection, rows[0], now)
    others = [person for person in people_ids if person != keep]
    for person in others:
        move_knowledge(connection, from_person=person, to_person=keep)
    _file_under(connection, keep, others, [row.id for row in rows])
    _name_person(connection, keep, others)
    _point_at(connection, keep, others)
    for first, second in combinations(sorted({row_key(row) for row in rows}), 2):
        _decide(connection, first, second, "merged", now)
    return Merged(keep, tuple(_accounts_of(connection, keep)), tuple(others))


def split_account(connection: Connection, *, key: AccountKey, now: int) -> Split:
    """Give the account ``key`` a person of its own, kept apart from its former person's."""
    (row,) = _require(connection, [key])
    if row.is_own:
        raise IdentityConflict(f"{_label(row)} is your own account", hint=OWN_HINT)
    query = select(accounts).where(accounts.c.person_id == row.person_id, accounts.c.id != row.id)
    siblings = list(connection.execute(query.order_by(accounts.c.id)))
    if row.person_id is None or not siblings:
        raise IdentityConflict(
            f"{_label(row)} is already a person of its own",
            hint="Nothing to split. `amity people suggestions` lists accounts that may be one.",
        )
    person = _new_person(connection, row, now)
    connection.execute(update(accounts).where(accounts.c.id == row.id).values(person_id=person))
    for sibling in siblings:
        _decide(connection, key, row_key(sibling), "rejected", now)
    return Split(account_from_row(row), person, tuple(account_from_row(s) for s in siblings))


def reject_suggestion(
    connection: Connection, *, first: AccountKey, second: AccountKey, now: int
) -> None:
    """Record that two accounts are not one person, so that they are never suggested again."""
    left, right = _require(connection, [first, second])
    if left.person_id is not None and left.person_id == right.person_id:
        raise IdentityConflict(
            f"{_label(left)} and {_label(right)} are one person already",
            hint=f"To take one apart, run `amity people split {_label(right)}`.",
        )
    _decide(connection, first, second, "rejected", now)


def row_key(row: Any) -> AccountKey:
    """Return the natural key of a row of ``accounts``."""
    return (row.platform, row.platform_id)


def _require(connection: Connection, keys: Sequence[AccountKey]) -> list[Any]:
    """Return the rows of the accounts ``keys``, in that order; fail on one not stored."""
    found = {}
    for platform, platform_id in dict.fromkeys(keys):
        query = select(accounts).where(
            accounts.c.platform == platform, accounts.c.platform_id == platform_id
        )
        row = connection.execute(query).first()
        if row is None:
            raise NotFound(f"no account {platform}:{platform_id} in the store", hint=NAME_HINT)
        found[(platform, platform_id)] = row
    return list(found.values())


def _refuse_own_with_contacts(rows: Sequence[Any]) -> None:
    own = [row for row in rows if row.is_own]
    if own and len(own) < len(rows):
        other = next(row for row in rows if not row.is_own)
        raise IdentityConflict(
            f"{_label(own[0])} is your own account and {_label(other)} is not", hint=OWN_HINT
        )


def _keeper(connection: Connection, people_ids: Sequence[int]) -> int:
    """Return the person with the most accounts, then the one whose first account came first."""
    query = (
        select(accounts.c.person_id)
        .where(accounts.c.person_id.in_(people_ids))
        .group_by(accounts.c.person_id)
        .order_by(func.count().desc(), func.min(accounts.c.id))
        .limit(1)
    )
    return int(connection.execute(query).scalar_one())


def _new_person(connection: Connection, row: Any, now: int) -> int:
    values = {"display_name": row.display_name or row.handle, "created_at": now}
    return int(connection.execute(people.insert().returning(people.c.id), values).scalar_one())


def _file_under(
    connection: Connection, person: int, others: Sequence[int], ids: Sequence[int]
) -> None:
    """File the accounts of the people ``others`` and the accounts ``ids`` under ``person``."""
    moved = accounts.c.person_id.in_(others) | accounts.c.id.in_(ids)
    connection.execute(update(accounts).where(moved).values(person_id=person))


def _name_person(connection: Connection, person: int, others: Sequence[int]) -> None:
    """Give the kept person a name: its own, a merged person's, or an account's display name.

    A name that is only one of the accounts' handles gives way to a real one: imports name a
    person by their handle when the archive gives no display name (a Mastodon export names
    contacts by handle only), and a merge with their account on another network brings it.
    """
    rows = connection.execute(
        select(people.c.id, people.c.display_name).where(people.c.id.in_([person, *others]))
    )
    names = dict(rows.all())
    owned = connection.execute(
        select(accounts.c.handle, accounts.c.display_name)
        .where(accounts.c.person_id == person)
        .order_by(accounts.c.id)
    ).all()
    handles = {handle for handle, _ in owned}
    candidates = [names.get(p) for p in (person, *others)] + [shown for _, shown in owned]
    real = [name for name in candidates if name and name not in handles]
    name = real[0] if real else next((name for name in candidates if name), None)
    if name != names.get(person):
        connection.execute(update(people).where(people.c.id == person).values(display_name=name))


def _point_at(connection: Connection, person: int, others: Sequence[int]) -> None:
    """Leave the people ``others`` (and any merged into them before) as numbers for ``person``."""
    merged = people.c.id.in_(others) | people.c.merged_into.in_(others)
    connection.execute(update(people).where(merged).values(merged_into=person))


def _decide(
    connection: Connection, first: AccountKey, second: AccountKey, decision: str, now: int
) -> None:
    """Write the user's decision about two accounts, replacing any earlier one."""
    (a_platform, a_id), (b_platform, b_id) = sorted((first, second))
    pair = identity_decisions.c
    connection.execute(
        delete(identity_decisions).where(
            pair.first_platform == a_platform,
            pair.first_platform_id == a_id,
            pair.second_platform == b_platform,
            pair.second_platform_id == b_id,
        )
    )
    connection.execute(
        identity_decisions.insert().values(
            first_platform=a_platform, first_platform_id=a_id, second_platform=b_platform,
            second_platform_id=b_id, decision=decision, decided_at=now,
        )
    )  # fmt: skip


def _accounts_of(connection: Connection, person: int) -> list[Account]:
    query = select(accounts).where(accounts.c.person_id == person).order_by(accounts.c.id)
    return [account_from_row(row) for row in connection.execute(query)]


def _label(row: Any) -> str:
    return account_name(account_from_row(row))
