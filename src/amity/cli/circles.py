"""`amity people list/show/drifting/evaluate`: who your people are, how close, who slips away."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from amity.cli.common import (
    DebugOption,
    JsonOption,
    PersonArgument,
    WorkspaceOption,
    err,
    finite,
    friendly_errors,
    path_given,
    print_json,
    workspace_for,
)
from amity.cli.limits import limit_option, limited
from amity.cli.people_json import entry_data, note_data, person_data, standing_data, view_data
from amity.cli.people_tables import (
    day,
    show_changes,
    show_evaluation,
    show_people,
    show_person_page,
)
from amity.cli.text import shown_line
from amity.desk import circles as desk
from amity.model import CIRCLES

PEOPLE_SHOWN = 50
"""How many people `amity people list` shows without --limit: the inner circles, a screenful."""
CHANGES_SHOWN = 10
"""How many drifting ties, and rising ones, `amity people drifting` shows without --limit."""
MOST_WINDOWS = 100_000
"""More test windows than a day each over a lifetime of history is a mistyped number."""
AtOption = Annotated[
    datetime | None,
    typer.Option(
        "--at",
        formats=["%Y-%m-%d"],
        help="See your people as of the end of this day, YYYY-MM-DD"
        " (default: the newest interaction in the store).",
        show_default=False,
    ),
]


@friendly_errors
def list_people(
    context: typer.Context,
    circle: Annotated[
        int | None,
        typer.Option(
            "--circle", min=0, max=CIRCLES, help="Only this circle (1 innermost; 0: further out)."
        ),
    ] = None,
    everyone: Annotated[
        bool, typer.Option("--all", help="Include everyone further out than circle 4.")
    ] = False,
    tag: Annotated[str | None, typer.Option("--tag", help="Only people with this tag.")] = None,
    why: Annotated[bool, typer.Option("--why", help="Say under each person why.")] = False,
    limit: Annotated[int | None, limit_option(PEOPLE_SHOWN)] = None,
    at: AtOption = None,
    workspace: WorkspaceOption = None,
    json: JsonOption = False,
    debug: DebugOption = False,
) -> None:
    """List your people by circle, inner first, with the facts behind where each one stands.

    Example: amity people list --circle 1 --why
    """
    listed = desk.list_people(
        workspace_for(workspace), now=_moment(at), circle=circle, everyone=everyone, tag=tag
    )
    found, chosen = listed.people, listed.entries
    shown = limited(chosen, limit, default=PEOPLE_SHOWN, json=json)
    if json:
        print_json({**view_data(found), "people": [entry_data(entry) for entry in shown]})
        return
    show_people(found, shown, why=why, hidden=len(chosen) - len(shown), context=context)


@friendly_errors
def show_person(
    person: PersonArgument,
    at: AtOption = None,
    workspace: WorkspaceOption = None,
    json: JsonOption = False,
    debug: DebugOption = False,
) -> None:
    """Show one person: their accounts, circle, the tie in words, and what you know of them.

    Example: amity people show x:ana
    """
    page = desk.show_person(workspace_for(workspace), person, now=_moment(at))
    if json:
        data = standing_data(page.standing) if page.standing else person_data(page.person)
        data.update(
            {
                "pinned_circle": page.pinned_circle,
                "notes": [note_data(n) for n in page.notes],
                "is_you": page.is_you,
                "kept_away": list(page.kept_away),
            }
        )
        print_json({**view_data(page.people), "person": data})
        return
    show_person_page(page)


@friendly_errors
def list_drifting(
    context: typer.Context,
    limit: Annotated[int | None, limit_option(CHANGES_SHOWN)] = None,
    at: AtOption = None,
    workspace: WorkspaceOption = None,
    json: JsonOption = False,
    debug: DebugOption = False,
) -> None:
    """List close people you have gone quiet with, far past your usual gap; and rising ties.

    Only circles 1 and 2, with enough shared history, are checked: a flag here is rare.

    Example: amity people drifting
    """
    found = desk.get_changes(workspace_for(workspace), now=_moment(at))
    if json:
        drifting = limited(found.drifting, limit, default=CHANGES_SHOWN, json=True)
        rising = limited(found.rising, limit, default=CHANGES_SHOWN, json=True)
        print_json(
            {
                **view_data(found),
                "drifting": [standing_data(s) for s in drifting],
                "rising": [standing_data(s) for s in rising],
            }
        )
        return
    show_changes(found, most=CHANGES_SHOWN if limit is None else limit, context=context)


@friendly_errors
def evaluate_command(
    events_file: Annotated[
        Path | None,
        typer.Argument(
            help="A timestamped interaction list: `source target unixtime [type]` a line,"
            " separated by spaces or commas. Without it, the workspace's own history.",
            show_default=False,
            parser=path_given,
        ),
    ] = None,
    learn: Annotated[
        float,
        typer.Option(
            "--learn",
            min=0.05,
            max=0.95,
            callback=finite,
            help="Share of the events (in time order) to learn on.",
        ),
    ] = 0.8,
    windows: Annotated[
        int | None,
        typer.Option(
            "--windows",
            min=1,
            max=MOST_WINDOWS,
            help="Test windows (default: 10 for a file, one a day for the workspace).",
        ),
    ] = None,
    workspace: WorkspaceOption = None,
    json: JsonOption = False,
    debug: DebugOption = False,
) -> None:
    """Replay a history: how well does tie strength predict whom people talk with next?

    Learns on the first part, tests on the rest, and scores amity beside three baselines
    (the most recent contact, the raw count, a decayed count). docs/evaluation.md explains it.

    Example: amity people evaluate CollegeMsg.txt --json
    """
    if events_file is not None:
        result = desk.replay_file(events_file, learn=learn, windows=windows or 10)
        what = shown_line(str(events_file))
    else:
        result = desk.replay_history(workspace_for(workspace), learn=learn, windows=windows)
        what = "your history"
    if json:
        print_json(result.as_dict())
    else:
        show_evaluation(result)
    err.print(
        f"[dim]Replayed {what}: learned on the first {learn:.0%} (to {day(result.learned_until)}),"
        f" tested over {result.windows:,} windows, {result.samples:,} samples.[/]"
    )


def _moment(at: datetime | None) -> int | None:
    if at is None:
        return None
    return desk.end_of_day(at.date())
