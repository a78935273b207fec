"""`amity people list/show/drifting/evaluate`: who your people are, how close, who slips away."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

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
from amity.desk.people import (
    People,
    Person,
    Pinned,
    Standing,
    evaluate_file,
    evaluate_workspace,
    get_people,
    get_persons,
)
from amity.insight.drift import describe_drift, describe_rise
from amity.insight.evaluate import METHODS, Evaluation
from amity.insight.explanation import describe_tie, duration_words, explain_tie
from amity.insight.pairs import DAY
from amity.model import PersonNote
from amity.store import knowledge
from amity.store.follows import get_kept_away
from amity.store.lookup import get_person_named

CIRCLES = 4
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
COLUMNS = ("circle", "who", "last talked", "90 days", "you / them", "usual gap", "flags")
WHY_COLUMNS = ("circle", "who", "why", "flags")
LEFT = {"who", "why", "flags"}
KEPT_AWAY = {"block": "blocked", "mute": "muted"}
STANDING_KEYS = (
    "person_id", "name", "accounts", "tags", "circle", "pinned", "strength",
    "interactions_a_month", "sent", "received", "recent_days", "recent", "first_at", "last_at",
    "conversations", "started_by_them", "turns", "contact_days", "usual_gap_days",
    "explanation", "drifting", "rising",
)  # fmt: skip
"""The keys of a person in `amity people list --json`."""
FIGURES = {
    "next_event_mrr": "next-event MRR",
    "next_event_precision_at_5": "next-event P@5",
    "next_window_precision_at_5": "next-window P@5",
    "next_window_precision_at_10": "next-window P@10",
}


@friendly_errors
def list_people(
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
    limit: Annotated[int | None, typer.Option("--limit", min=1, help="Show at most N.")] = None,
    at: AtOption = None,
    workspace: WorkspaceOption = None,
    json: JsonOption = False,
    debug: DebugOption = False,
) -> None:
    """List your people by circle, inner first, with the facts behind where each one stands.

    Example: amity people list --circle 1 --why
    """
    engine = open_current_store(workspace)
    with engine.connect() as connection:
        found = get_people(connection, now=_moment(at))
    shown = [
        entry
        for entry in in_circle_order(found)
        if ((circle is None and (everyone or layer_of(entry) > 0)) or layer_of(entry) == circle)
        and (tag is None or tag.strip().lower() in entry.person.tags)
    ][:limit]
    if json:
        print_json({**_view_data(found), "people": [entry_data(entry) for entry in shown]})
        return
    show_people(found, shown, why=why)


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
    engine = open_current_store(workspace)
    with engine.connect() as connection:
        person_id, _ = get_person_named(connection, person)
        found = get_people(connection, now=_moment(at))
        known = get_persons(connection, [person_id])[person_id]
        notes = knowledge.list_notes(connection, person_id=person_id)
        pin = knowledge.get_circle_pins(connection).get(person_id)
        away = sorted(get_kept_away(connection).get(person_id, ()))
        is_user = any(account.is_own for account in known.accounts)
    standing = found.of(person_id)
    if json:
        data = standing_data(standing) if standing else _person_data(known)
        data.update(
            {
                "pinned_circle": pin,
                "notes": [_note_data(n) for n in notes],
                "is_you": is_user,
                "kept_away": away,
            }
        )
        print_json({**_view_data(found), "person": data})
        return
    _show_person(found, known, standing, notes, pin=pin, is_user=is_user, away=away)


@friendly_errors
def list_drifting(
    at: AtOption = None,
    workspace: WorkspaceOption = None,
    json: JsonOption = False,
    debug: DebugOption = False,
) -> None:
    """List close people you have gone quiet with, far past your usual gap; and rising ties.

    Only circles 1 and 2, with enough shared history, are checked: a flag here is rare.

    Example: amity people drifting
    """
    engine = open_current_store(workspace)
    with engine.connect() as connection:
        found = get_people(connection, now=_moment(at))
    if json:
        print_json(
            {
                **_view_data(found),
                "drifting": [standing_data(s) for s in found.drifting],
                "rising": [standing_data(s) for s in found.rising],
            }
        )
        return
    show_changes(found)


@friendly_errors
def evaluate_command(
    events_file: Annotated[
        Path | None,
        typer.Argument(
            help="A timestamped interaction list: `source target unixtime [type]` a line,"
            " separated by spaces or commas. Without it, the workspace's own history.",
            show_default=False,
            exists=False,
        ),
    ] = None,
    learn: Annotated[
        float,
        typer.Option(
            "--learn", min=0.05, max=0.95, help="Share of the events (in time order) to learn on."
        ),
    ] = 0.8,
    windows: Annotated[
        int | None,
        typer.Option(
            "--windows",
            min=1,
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
        result = evaluate_file(events_file, learn=learn, windows=windows or 10)
        what = escape(str(events_file))
    else:
        engine = open_current_store(workspace)
        with engine.connect() as connection:
            result = evaluate_workspace(connection, learn=learn, windows=windows)
        what = "your history"
    if json:
        print_json(result.as_dict())
    else:
        show_evaluation(result)
    err.print(
        f"[dim]Replayed {what}: learned on the first {learn:.0%} (to {_day(result.learned_until)}),"
        f" tested over {result.windows:,} windows, {result.samples:,} samples.[/]"
    )


def in_circle_order(found: People) -> list[Standing | Pinned]:
    """Return the contacts and the people pinned apart, circle by circle (pins last in each)."""
    order = {1: 0, 2: 1, 3: 2, 4: 3, 0: 4}
    entries: list[Standing | Pinned] = [*found.standings, *found.pinned_apart]
    return sorted(entries, key=lambda entry: order[layer_of(entry)])


def layer_of(entry: Standing | Pinned) -> int:
    """Return the circle an entry of the people list is in (0: further out)."""
    return entry.layer if isinstance(entry, Pinned) else entry.contact.layer


def entry_data(entry: Standing | Pinned) -> dict[str, Any]:
    """Return a contact, or a person pinned with no interaction yet, as JSON with the same keys."""
    if isinstance(entry, Standing):
        return standing_data(entry)
    empty: dict[str, Any] = dict.fromkeys(STANDING_KEYS)
    return {
        **empty,
        **_person_data(entry.person),
        "circle": entry.layer,
        "pinned": True,
        "sent": 0,
        "received": 0,
        "explanation": "pinned by you; no interaction with them in the store yet",
    }


def show_people(found: People, shown: list[Standing | Pinned], *, why: bool = False) -> None:
    """Print the people table (with ``why``, each tie in words), then the circles' sizes."""
    if not found.standings:
        err.print("No interactions with anyone in the store yet: import an archive with replies.")
        return
    table = Table(header_style="bold", show_lines=why, title=_title(found), title_justify="left")
    for header in WHY_COLUMNS if why else COLUMNS:
        table.add_column(header, justify="left" if header in LEFT else "right", no_wrap=True)
    table.columns[1].no_wrap = False
    table.columns[1].min_width = 16
    if why:
        table.columns[2].no_wrap = False
        table.columns[2].ratio = 2
    for entry in shown:
        if isinstance(entry, Pinned):
            table.add_row(*_pinned_row(entry, columns=len(table.columns)))
        else:
            table.add_row(*(_why_row(entry) if why else _row(entry)))
    out.print(table)
    sizes = " · ".join(f"{n:,}" for n in found.circle_sizes[:CIRCLES])
    away = f" Left out: {found.kept_away:,} you block or mute." if found.kept_away else ""
    err.print(
        f"[dim]Circles 1–4: {sizes}; {found.circle_sizes[CIRCLES]:,} further out (--all).{away}"
        " * pinned by you.\nWhy someone stands where they do: amity people show #NUMBER[/]"
    )


def show_evaluation(result: Evaluation) -> None:
    """Print the four methods' figures side by side, the best of each bold."""
    data = result.as_dict()
    table = Table(header_style="bold", title="Replay: who comes next", title_justify="left")
    table.add_column("method")
    for label in FIGURES.values():
        table.add_column(label, justify="right")
    best = {key: max(data[m][key] for m in METHODS) for key in FIGURES}
    for method in METHODS:
        cells = [
            f"[bold]{value:.4f}[/]" if value == best[key] else f"{value:.4f}"
            for key, value in data[method].items()
        ]
        table.add_row(method.replace("_", " "), *cells)
    out.print(table)


def standing_data(standing: Standing) -> dict[str, Any]:
    """Return one contact as JSON: the person, the tie's facts, its circle, drift and rise."""
    contact, tie = standing.contact, standing.contact.tie
    drift, rise = contact.drift, contact.rise
    return {
        **_person_data(standing.person),
        "circle": contact.layer,
        "pinned": contact.pinned,
        "strength": round(tie.strength, 6),
        "interactions_a_month": round(tie.frequency, 3),
        "sent": tie.sent,
        "received": tie.received,
        "recent_days": tie.recent_days,
        "recent": dict(tie.recent_kinds),
        "first_at": _iso(tie.first_at),
        "last_at": _iso(tie.last_at),
        "conversations": tie.conversations,
        "started_by_them": tie.started_by_other,
        "turns": tie.turns,
        "contact_days": tie.contacts,
        "usual_gap_days": None if tie.usual_gap_days is None else round(tie.usual_gap_days, 2),
        "explanation": describe_tie(explain_tie(tie)),
        "drifting": None
        if drift is None
        else {
            "circle_then": drift.layer_then,
            "silence_days": round(drift.silence_days, 1),
            "usual_gap_days": round(drift.usual_gap_days, 2),
            "longest_gap_days": round(drift.longest_gap_days, 1),
            "explanation": describe_drift(drift),
        },
        "rising": None
        if rise is None
        else {
            "recent_contact_days": rise.recent_contacts,
            "recent_a_month": round(rise.recent_rate, 2),
            "earlier_a_month": round(rise.earlier_rate, 2),
            "explanation": describe_rise(rise),
        },
    }


def _row(standing: Standing) -> list[str]:
    tie = standing.contact.tie
    usual = tie.usual_gap_days
    return [
        _circle_cell(standing),
        _who_cell(standing.person),
        f"{short_duration((tie.now - tie.last_at) / DAY)} ago",
        f"{sum(n for _, n in tie.recent_kinds):,}",
        f"{tie.sent:,} / {tie.received:,}",
        "" if usual is None else short_duration(usual),
        _flags_cell(standing),
    ]


def _why_row(standing: Standing) -> list[str]:
    tie = standing.contact.tie
    return [
        _circle_cell(standing),
        _who_cell(standing.person),
        escape(describe_tie(explain_tie(tie))),
        _flags_cell(standing),
    ]


def _pinned_row(pinned: Pinned, *, columns: int) -> list[str]:
    cells = [f"{pinned.layer}*", _who_cell(pinned.person), "never"]
    return [*cells, *[""] * (columns - len(cells) - 1), _flags_cell(pinned)]


def _circle_cell(standing: Standing) -> str:
    contact = standing.contact
    return (str(contact.layer) if contact.layer else "–") + ("*" if contact.pinned else "")


def _who_cell(person: Person) -> str:
    handles = escape(", ".join(person.handles))
    number = f"[dim]#{person.person_id}[/]"
    if person.has_name:
        return f"{escape(person.name)} {number}\n[dim]{handles}[/]"
    return f"{handles} {number}"


def _flags_cell(entry: Standing | Pinned) -> str:
    contact = None if isinstance(entry, Pinned) else entry.contact
    flags = ["[yellow]drifting[/]"] if contact and contact.drift else []
    flags += ["[green]rising[/]"] if contact and contact.rise else []
    flags += [f"[dim]{escape(t)}[/]" for t in entry.person.tags]
    return " ".join(flags)


def short_duration(days: float) -> str:
    """Say a number of days in a few characters: "5 h", "3 d", "7 mo", "2 y"."""
    if days < 1:
        return f"{round(days * 24)} h"
    if days < 60:
        return f"{round(days)} d"
    if days < 730:
        return f"{round(days / 30.44)} mo"
    return f"{round(days / 365.25)} y"


def _show_person(
    found: People,
    person: Person,
    standing: Standing | None,
    notes: list[PersonNote],
    *,
    pin: int | None,
    is_user: bool,
    away: Sequence[str],
) -> None:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column(overflow="fold")
    grid.add_row("accounts", escape("\n".join(person.handles)))
    if is_user:
        grid.add_row("", "This is you.")
    elif away:
        verbs = " and ".join(KEPT_AWAY[kind] for kind in away)
        grid.add_row("circle", f"none: you {verbs} them, so they are left out of your people.")
    elif standing is None:
        pinned = f"pinned to circle {pin}; " if pin else ""
        grid.add_row("circle", f"{pinned}no interactions with them before {_day(found.now)}.")
    else:
        _standing_rows(grid, standing)
    if person.tags:
        grid.add_row("tags", escape(", ".join(person.tags)))
    for note in notes:
        label, text = _note_line(note)
        grid.add_row(label, text)
    out.print(f"[bold]{escape(person.name)}[/] [dim]#{person.person_id}[/]")
    out.print(grid)


def _standing_rows(grid: Table, standing: Standing) -> None:
    contact, tie = standing.contact, standing.contact.tie
    where = f"{contact.layer}" if contact.layer else f"further out than circle {CIRCLES}"
    how = "pinned by you" if contact.pinned else "from how often you talk"
    grid.add_row("circle", f"{where} ({how}: {tie.frequency:.1f} weighted interactions a month)")
    grid.add_row("why", escape(describe_tie(explain_tie(tie)).replace("; ", "\n")))
    if contact.drift:
        grid.add_row("[yellow]drifting[/]", escape(describe_drift(contact.drift)))
    if contact.rise:
        grid.add_row("[green]rising[/]", escape(describe_rise(contact.rise)))


def show_changes(found: People) -> None:
    """Print the drifting ties (or say there are none), then the rising ones."""
    drifting = [(s, s.contact.drift) for s in found.drifting if s.contact.drift]
    if drifting:
        rows = [
            [str(d.layer_then), duration_words(d.silence_days), escape(describe_drift(d))]
            for _, d in drifting
        ]
        headers = ("circle then", "silent for", "why")
        _print_changes(_title(found, "Drifting"), headers, [s for s, _ in drifting], rows)
    else:
        err.print(
            f"No close tie is drifting as of {_day(found.now)}: nobody in circles 1–2 has been"
            " quiet for far longer than usual."
        )
    rising = [(s, s.contact.rise) for s in found.rising if s.contact.rise]
    if rising:
        rows = [[str(r.layer or "–"), escape(describe_rise(r))] for _, r in rising]
        _print_changes("Rising", ("circle", "why"), [s for s, _ in rising], rows)


def _print_changes(
    title: str, headers: Sequence[str], standings: list[Standing], rows: list[list[str]]
) -> None:
    table = Table(header_style="bold", title=title, title_justify="left")
    for header in ("#", "who", *headers):
        table.add_column(header)
    for standing, row in zip(standings, rows, strict=True):
        person = standing.person
        table.add_row(f"[dim]{person.person_id}[/]", escape(person.name), *row)
    out.print(table)


def _title(found: People, what: str = "Your people") -> str:
    newest = " (your newest data)" if found.now == found.newest_at else ""
    return f"{what}, as of {_day(found.now)}{newest}"


def _view_data(found: People) -> dict[str, Any]:
    sizes = found.circle_sizes
    return {
        "as_of": _iso(found.now),
        "newest_interaction": None if found.newest_at is None else _iso(found.newest_at),
        "circle_sizes": dict(zip(("1", "2", "3", "4", "further"), sizes, strict=True)),
    }


def _person_data(person: Person) -> dict[str, Any]:
    return {
        "person_id": person.person_id,
        "name": person.name,
        "accounts": list(person.handles),
        "tags": list(person.tags),
    }


def _note_data(note: PersonNote) -> dict[str, Any]:
    return {
        "id": note.id,
        "kind": note.kind,
        "text": note.text,
        "written_at": _iso(note.created_at),
        "place": note.place,
        "happened_on": note.happened_on,
    }


def _note_line(note: PersonNote) -> tuple[str, str]:
    if note.kind == "met":
        where = f" at {note.place}" if note.place else ""
        when = note.happened_on or _day(note.created_at)
        text = f"{when}{where}" + (f": {note.text}" if note.text else "")
        return "met", escape(text)
    return "note", escape(f"{_day(note.created_at)}  {note.text}")


def _moment(at: datetime | None) -> int | None:
    if at is None:
        return None
    return int(at.replace(tzinfo=UTC).timestamp()) + DAY - 1


def _iso(moment: int) -> str:
    return datetime.fromtimestamp(moment, UTC).isoformat()


def _day(moment: int) -> str:
    return datetime.fromtimestamp(moment, UTC).date().isoformat()
