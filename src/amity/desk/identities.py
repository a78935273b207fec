"""Which accounts are one person: suggestions, and the user's merges, splits and rejections.

Suggestions come from ``insight.identity`` over every account in the store; nothing is merged
unless the user says so. Accounts are named as `amity people suggestions` shows them
(``NETWORK:HANDLE``). The store loads when a workflow runs, not when this module is imported.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from amity.desk.workspace import Workspace
from amity.errors import IdentityConflict
from amity.insight.identity import DEFAULT_MIN_SCORE as DEFAULT_MIN_SCORE
from amity.insight.identity import Suggestion as Suggestion
from amity.insight.identity import suggest_identities
from amity.model import Account
from amity.model import account_name as account_name

if TYPE_CHECKING:
    from amity.store.people import Merged as Merged
    from amity.store.people import Split as Split

MERGE_EXAMPLE = "Example: amity people merge mastodon:ana@mastodon.social x:ana"
REJECT_EXAMPLE = "Example: amity people reject mastodon:ana@mastodon.social x:ana_r"


def list_suggestions(
    workspace: Workspace, *, min_score: float = DEFAULT_MIN_SCORE, limit: int | None = None
) -> tuple[Suggestion, ...]:
    """Return accounts on different networks that may be one person, strongest first."""
    from amity.store.people import list_person_accounts, list_rejected_pairs

    with workspace.engine.connect() as connection:
        accounts = list_person_accounts(connection)
        rejected = list_rejected_pairs(connection)
    return tuple(suggest_identities(accounts, rejected, min_score=min_score)[:limit])


def merge_people(workspace: Workspace, names: Sequence[str], *, now: int | None = None) -> Merged:
    """Make the accounts ``names`` (and every account of their people) one person."""
    from amity.store.lookup import get_account_named
    from amity.store.people import merge_accounts

    with workspace.engine.begin() as connection:
        keys = list(dict.fromkeys(get_account_named(connection, name).key for name in names))
        if len(keys) < 2:
            raise IdentityConflict(
                "name at least two different accounts to merge", hint=MERGE_EXAMPLE
            )
        return merge_accounts(connection, keys=keys, now=_now(now))


def reject_pair(
    workspace: Workspace, first: str, second: str, *, now: int | None = None
) -> tuple[Account, Account]:
    """Record that two accounts are not one person; return them."""
    from amity.store.lookup import get_account_named
    from amity.store.people import reject_suggestion

    with workspace.engine.begin() as connection:
        left = get_account_named(connection, first)
        right = get_account_named(connection, second)
        if left.key == right.key:
            raise IdentityConflict(
                f"{first!r} and {second!r} are the same account: name two different ones",
                hint=REJECT_EXAMPLE,
            )
        reject_suggestion(connection, first=left.key, second=right.key, now=_now(now))
    return left, right


def split_off(workspace: Workspace, name: str, *, now: int | None = None) -> Split:
    """Give the account ``name`` a person of its own, kept apart from those it was merged with."""
    from amity.store.lookup import get_account_named
    from amity.store.people import split_account

    with workspace.engine.begin() as connection:
        account = get_account_named(connection, name)
        return split_account(connection, key=account.key, now=_now(now))


def _now(now: int | None) -> int:
    return int(time.time()) if now is None else now
