"""`amity people ...`: which accounts are one person (merge, split, reject, only when asked), and
what the user knows of people (pins, notes, meetings, tags)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import typer
from rich.cells import cell_len
from rich.markup import escape

from amity.cli.circles import evaluate_command, list_drifting, list_people, show_person
from amity.cli.common import (
    DebugOption,
    JsonOption,
    PersonArgument,
    WorkspaceOption,
    command,
    err,
    finite,
    friendly_errors,
    out,
    print_json,
    workspace_for,
)
from amity.cli.layout import Column, fitted_table
from amity.cli.limits import limit_option, limited, say_more
from amity.desk import identities, knowledge
from amity.desk.identities import DEFAULT_MIN_SCORE, Suggestion, account_name
from amity.errors import UsageError
from amity.model import Account, PersonAccount

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
SUGGESTIONS_SHOWN = 20
"""How many suggestions the table shows without --limit, best first."""
AccountArgument = Annotated[
    str, typer.Argument(help="An account as NETWORK:HANDLE or NETWORK:ID.", show_default=False)
]


@app.command("suggestions")
@friendly_errors
def suggestions(
    context: typer.Context,
    workspace: WorkspaceOption = None,
    limit: Annotated[int | None, limit_option(SUGGESTIONS_SHOWN)] = None,
    min_score: Annotated[
        float,
        typer.Option(
            "--min-score",
            min=0.0,
            max=1.0,
            callback=finite,
            help="Show suggestions scored this or more.",
        ),
    ] = DEFAULT_MIN_SCORE,
    json: JsonOption = False,
    debug: DebugOption = False,
) -> None:
    """List accounts on different networks that may be one person, with the evidence.

    Nothing is merged: confirm a suggestion with `amity people merge`, or turn it down for good
    with `amity people reject`.

    Example: amity people suggestions --min-score 0.3 --limit 20
    """
    every = identities.list_suggestions(workspace_for(workspace), min_score=min_score)
    found = limited(every, limit, default=SUGGESTIONS_SHOWN, json=json)
    if json:
        print_json([_suggestion_data(suggestion) for suggestion in found])
        return
    _show_suggestions(found, hidden=len(every) - len(found), context=context)


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
    merged = identities.merge_people(workspace_for(workspace), accounts)
    names = ", ".join(_who(account) for account in merged.accounts)
    if not merged.people_merged:
        err.print(f"Nothing to do: these accounts are one person already: {escape(names)}.")
        return
    err.print(f"One person now has {len(merged.accounts)} accounts: {escape(names)}.")
    former = ", ".join(f"#{number}" for number in merged.merged_ids)
    undo = command("people", "split", account_name(merged.accounts[-1]))
    err.print(
        f"[dim]They are #{merged.person_id}; {former} lead there too."
        f" Undo with `{escape(undo)}` (and so for each account to take apart).[/]"
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
    left, right = identities.reject_pair(workspace_for(workspace), first, second)
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
    done = identities.split_off(workspace_for(workspace), account)
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
    name = knowledge.pin_person(workspace_for(workspace), person, circle).name
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
    name = knowledge.add_note(workspace_for(workspace), person, text).name
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
    day = None if when is None else when.date()
    noted = knowledge.add_meeting(workspace_for(workspace), person, place=where, day=day, text=text)
    name = noted.name
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
    tagged = knowledge.tag_person(workspace_for(workspace), person, tags, remove=remove)
    name, now_tagged = tagged.name, tagged.tags
    err.print(f"{escape(name)}: {escape(', '.join(now_tagged)) or 'no tags'}.")


def _who(account: Account) -> str:
    """Return an account's name, with its display name where known, as plain text."""
    label = account_name(account)
    return f"{label} ({account.display_name})" if account.display_name else label


def _show_suggestions(found: list[Suggestion], *, hidden: int, context: typer.Context) -> None:
    if not found:
        err.print("No suggestions. Lower --min-score to see weaker ones.")
        return
    rows = []
    for number, suggestion in enumerate(found, 1):
        accounts = "\n".join(_account_cell(item) for item in (suggestion.first, suggestion.second))
        evidence = "\n".join(
            f"{'−' if item.weight < 0 else '+'} {escape(item.text)}" for item in suggestion.evidence
        )
        score = f"{suggestion.score:.2f}\n[dim]{suggestion.confidence}[/]"
        rows.append([str(number), accounts, score, evidence])
    labels = [cell_len(_label(item)) for s in found for item in (s.first, s.second)]
    columns = [
        Column("#", justify="right", drop=1),
        Column("accounts", wraps=True, least=max(labels)),
        Column("score", justify="right"),
        Column("evidence", wraps=True),
    ]
    table = fitted_table(columns, rows, width=out.width, header_style="bold", show_lines=True)
    out.print(table)
    say_more(context, hidden)
    first = found[0]
    pair = (_label(first.first), _label(first.second))
    err.print(
        f"[dim]Merge one: {escape(command('people', 'merge', *pair))}"
        f"\nTurn one down for good: {escape(command('people', 'reject', *pair))}[/]"
    )


def _account_cell(item: PersonAccount) -> str:
    name = escape(item.account.display_name or "")
    return f"{escape(_label(item))}\n[dim]{name}[/]" if name else escape(_label(item))


def _label(item: PersonAccount) -> str:
    return account_name(item.account)


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
        "merge": command("people", "merge", _label(suggestion.first), _label(suggestion.second)),
    }


def _account_data(item: PersonAccount) -> dict[str, Any]:
    account = item.account
    return {
        "name": account_name(account),
        "platform": account.platform,
        "platform_id": account.platform_id,
        "handle": account.handle,
        "display_name": account.display_name,
        "person_id": item.person_id,
    }
