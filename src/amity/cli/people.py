"""`amity people ...`: which accounts are one person (merge, split, reject, only when asked), and
what the user knows of people (pins, notes, meetings, tags)."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from amity.cli.circles import evaluate_command, list_drifting, list_people, show_person
from amity.cli.common import (
    DebugOption,
    JsonOption,
    PersonArgument,
    WorkspaceOption,
    err,
    friendly_errors,
    open_current_store,
    out,
    print_json,
)
from amity.errors import IdentityConflict, UsageError
from amity.insight.identity import DEFAULT_MIN_SCORE, Suggestion, suggest_identities
from amity.model import Account, PersonAccount
from amity.store import knowledge
from amity.store.lookup import account_label, get_account_named, get_person_named
from amity.store.people import (
    list_person_accounts,
    list_rejected_pairs,
    merge_accounts,
    reject_suggestion,
    split_account,
)

app = typer.Typer(
    help="Your people: circles, drifting ties, what you know of them, which accounts are one.",
    no_args_is_help=True,
)
app.command("list")(list_people)
app.command("show")(show_person)
app.command("drifting")(list_drifting)
app.command("evaluate")(evaluate_command)

AccountsArgument = Annotated[
    list[str],
    typer.Argument(
        help="Accounts as NETWORK:HANDLE (mastodon:ana@mastodon.social, x:ana) or NETWORK:ID,"
        " as `amity people suggestions` shows them.",
        show_default=False,
    ),
]
CIRCLE_COUNT = 4
AccountArgument = Annotated[
    str, typer.Argument(help="An account as NETWORK:HANDLE or NETWORK:ID.", show_default=False)
]


@app.command("suggestions")
@friendly_errors
def suggestions(
    workspace: WorkspaceOption = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Show at most N.")] = 50,
    min_score: Annotated[
        float,
        typer.Option("--min-score", min=0.0, max=1.0, help="Show suggestions scored this or more."),
    ] = DEFAULT_MIN_SCORE,
    json: JsonOption = False,
    debug: DebugOption = False,
) -> None:
    """List accounts on different networks that may be one person, with the evidence.

    Nothing is merged: confirm a suggestion with `amity people merge`, or turn it down for good
    with `amity people reject`.

    Example: amity people suggestions --min-score 0.3 --limit 20
    """
    engine = open_current_store(workspace)
    with engine.connect() as connection:
        accounts = list_person_accounts(connection)
        rejected = list_rejected_pairs(connection)
    found = suggest_identities(accounts, rejected, min_score=min_score)[:limit]
    if json:
        print_json([_suggestion_data(suggestion) for suggestion in found])
        return
    _show_suggestions(found)


@app.command("merge")
@friendly_errors
def merge(
    accounts: AccountsArgument,
    workspace: WorkspaceOption = None,
    debug: DebugOption = False,
) -> None:
    """Make these accounts (and every account of their people) one person.

    Example: amity people merge mastodon:ana@mastodon.social x:ana
    """
    engine = open_current_store(workspace)
    with engine.begin() as connection:
        keys = list(dict.fromkeys(get_account_named(connection, name).key for name in accounts))
        if len(keys) < 2:
            raise IdentityConflict(
                "name at least two different accounts to merge",
                hint="Example: amity people merge mastodon:ana@mastodon.social x:ana",
            )
        merged = merge_accounts(connection, keys=keys, now=int(time.time()))
    names = ", ".join(_who(account) for account in merged.accounts)
    if not merged.people_merged:
        err.print(f"Nothing to do: these accounts are one person already: {escape(names)}.")
        return
    err.print(f"One person now has {len(merged.accounts)} accounts: {escape(names)}.")
    former = ", ".join(f"#{number}" for number in merged.merged_ids)
    err.print(
        f"[dim]They are #{merged.person_id}; {former} lead there too."
        " Undo with `amity people split ACCOUNT`.[/]"
    )


@app.command("reject")
@friendly_errors
def reject(
    first: AccountArgument,
    second: AccountArgument,
    workspace: WorkspaceOption = None,
    debug: DebugOption = False,
) -> None:
    """Say that two accounts are not one person; amity will not suggest them again.

    Example: amity people reject mastodon:ana@mastodon.social x:ana_r
    """
    engine = open_current_store(workspace)
    with engine.begin() as connection:
        left = get_account_named(connection, first)
        right = get_account_named(connection, second)
        if left.key == right.key:
            raise IdentityConflict(
                f"{first!r} and {second!r} are the same account: name two different ones",
                hint="Example: amity people reject mastodon:ana@mastodon.social x:ana_r",
            )
        reject_suggestion(connection, first=left.key, second=right.key, now=int(time.time()))
    pair = f"{_who(left)} and {_who(right)}"
    err.print(f"Kept apart: {escape(pair)} will not be suggested as one person again.")


@app.command("split")
@friendly_errors
def split(
    account: AccountArgument,
    workspace: WorkspaceOption = None,
    debug: DebugOption = False,
) -> None:
    """Give an account a person of its own again, kept apart from the accounts it was merged with.

    Example: amity people split x:ana_r
    """
    engine = open_current_store(workspace)
    with engine.begin() as connection:
        named = get_account_named(connection, account)
        done = split_account(connection, key=named.key, now=int(time.time()))
    others = ", ".join(_who(other) for other in done.kept_apart_from)
    message = f"{_who(done.account)} is a person of its own again, kept apart from {others}."
    err.print(escape(message))


@app.command("pin")
@friendly_errors
def pin(
    person: PersonArgument,
    circle: Annotated[
        int | None,
        typer.Argument(
            min=1, max=CIRCLE_COUNT, help="1 is the innermost circle.", show_default=False
        ),
    ] = None,
    unpin: Annotated[bool, typer.Option("--unpin", help="Let amity place them again.")] = False,
    workspace: WorkspaceOption = None,
    debug: DebugOption = False,
) -> None:
    """Put a person in a circle by hand; the pin wins over what amity works out, for good.

    Example: amity people pin x:ana 1
    """
    if (circle is None) == (not unpin):
        raise UsageError(
            "give a circle (1 to 4) or --unpin, one of the two",
            hint="Example: amity people pin x:ana 1",
        )
    engine = open_current_store(workspace)
    with engine.begin() as connection:
        person_id, name = get_person_named(connection, person)
        knowledge.set_circle_pin(connection, person_id=person_id, circle=circle, now=_now())
    if circle is None:
        err.print(f"{escape(name)} is no longer pinned; amity places them by how you talk.")
    else:
        err.print(f"{escape(name)} is pinned to circle {circle}.")


@app.command("note")
@friendly_errors
def note(
    person: PersonArgument,
    text: Annotated[str, typer.Argument(help="What to remember.", show_default=False)],
    workspace: WorkspaceOption = None,
    debug: DebugOption = False,
) -> None:
    """Write down something about a person; `amity people show` lists it.

    Example: amity people note x:ana "Moving to Lisbon in spring; ask about the studio."
    """
    engine = open_current_store(workspace)
    with engine.begin() as connection:
        person_id, name = get_person_named(connection, person)
        knowledge.add_note(connection, person_id=person_id, kind="note", text=text, now=_now())
    err.print(f"Noted for {escape(name)}.")


@app.command("met")
@friendly_errors
def met(
    person: PersonArgument,
    where: Annotated[str | None, typer.Option("--where", help="Where you met.")] = None,
    when: Annotated[
        datetime | None,
        typer.Option("--when", formats=["%Y-%m-%d"], help="The day, YYYY-MM-DD."),
    ] = None,
    text: Annotated[str, typer.Option("--note", help="Anything else about it.")] = "",
    workspace: WorkspaceOption = None,
    debug: DebugOption = False,
) -> None:
    """Remember meeting a person face to face: where, when, and a word about it.

    Example: amity people met x:ana --where "Bristol zine fair" --when 2026-05-02
    """
    engine = open_current_store(workspace)
    day = None if when is None else when.date().isoformat()
    with engine.begin() as connection:
        person_id, name = get_person_named(connection, person)
        knowledge.add_note(
            connection, person_id=person_id, kind="met", text=text, now=_now(), place=where,
            happened_on=day,
        )  # fmt: skip
    err.print(f"Met {escape(name)}" + (f" at {escape(where)}" if where else "") + ": noted.")


@app.command("tag")
@friendly_errors
def tag(
    person: PersonArgument,
    tags: Annotated[list[str], typer.Argument(help="Tags to add.", show_default=False)],
    remove: Annotated[bool, typer.Option("--remove", help="Take these tags off.")] = False,
    workspace: WorkspaceOption = None,
    debug: DebugOption = False,
) -> None:
    """Tag a person (or take tags off with --remove); `amity people list --tag` filters by them.

    Example: amity people tag x:ana printmaking bristol
    """
    engine = open_current_store(workspace)
    cleaned = sorted({t.strip().lower() for t in tags if t.strip()})
    with engine.begin() as connection:
        person_id, name = get_person_named(connection, person)
        if remove:
            knowledge.remove_tags(connection, person_id=person_id, tags=cleaned)
        else:
            knowledge.add_tags(connection, person_id=person_id, tags=cleaned)
        now_tagged = knowledge.get_tags(connection).get(person_id, [])
    err.print(f"{escape(name)}: {escape(', '.join(now_tagged)) or 'no tags'}.")


def _now() -> int:
    return int(time.time())


def _who(account: Account) -> str:
    """Return an account's name, with its display name where known, as plain text."""
    label = account_label(account)
    return f"{label} ({account.display_name})" if account.display_name else label


def _show_suggestions(found: list[Suggestion]) -> None:
    if not found:
        err.print("No suggestions. Lower --min-score to see weaker ones.")
        return
    table = Table(header_style="bold", show_lines=True)
    table.add_column("#", justify="right")
    table.add_column("accounts", overflow="fold")
    table.add_column("score", justify="right")
    table.add_column("evidence")
    for number, suggestion in enumerate(found, 1):
        accounts = "\n".join(_account_cell(item) for item in (suggestion.first, suggestion.second))
        evidence = "\n".join(
            f"{'−' if item.weight < 0 else '+'} {escape(item.text)}" for item in suggestion.evidence
        )
        score = f"{suggestion.score:.2f}\n[dim]{suggestion.confidence}[/]"
        table.add_row(str(number), accounts, score, evidence)
    out.print(table)
    first = found[0]
    err.print(
        f"[dim]Merge one: amity people merge {_label(first.first)} {_label(first.second)}"
        "\nTurn one down for good: amity people reject ACCOUNT ACCOUNT[/]"
    )


def _account_cell(item: PersonAccount) -> str:
    name = escape(item.account.display_name or "")
    return f"{escape(_label(item))}\n[dim]{name}[/]" if name else escape(_label(item))


def _label(item: PersonAccount) -> str:
    return account_label(item.account)


def _suggestion_data(suggestion: Suggestion) -> dict[str, Any]:
    return {
        "first": _account_data(suggestion.first),
        "second": _account_data(suggestion.second),
        "score": suggestion.score,
        "confidence": suggestion.confidence,
        "evidence": [
            {"kind": item.kind, "text": item.text, "weight": item.weight}
            for item in suggestion.evidence
        ],
        "merge": f"amity people merge {_label(suggestion.first)} {_label(suggestion.second)}",
    }


def _account_data(item: PersonAccount) -> dict[str, Any]:
    account = item.account
    return {
        "name": account_label(account),
        "platform": account.platform,
        "platform_id": account.platform_id,
        "handle": account.handle,
        "display_name": account.display_name,
        "person_id": item.person_id,
    }
