"""The tables the people commands print: circles, one person, drift and rises, the replay."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import typer
from rich.cells import cell_len
from rich.table import Table

from amity.cli.common import command, err, out
from amity.cli.layout import Column, fitted_table
from amity.cli.limits import say_more
from amity.cli.text import one_line, shown, shown_line
from amity.model import CIRCLES, FURTHER_OUT, PersonNote

if TYPE_CHECKING:
    from amity.desk.people import Evaluation, People, Person, PersonPage, Pinned, Standing

CIRCLE = Column("circle", justify="right")
FIGURE_COLUMNS = (
    Column("last\ntalked", justify="right", drop=4),
    Column("90\ndays", justify="right", drop=3),
    Column("you /\nthem", justify="right", drop=2),
    Column("usual\ngap", justify="right", drop=1),
)
"""The facts of a tie; at narrow widths the last go first."""
WHY = Column("why", wraps=True)
FLAGS = Column("flags", wraps=True, drop=5, least=len("drifting"))
KEPT_AWAY = {"block": "blocked", "mute": "muted"}
FIGURES = {
    "next_event_mrr": "next-event MRR",
    "next_event_precision_at_5": "next-event P@5",
    "next_window_precision_at_5": "next-window P@5",
    "next_window_precision_at_10": "next-window P@10",
}


def show_people(
    found: People,
    shown: list[Standing | Pinned],
    *,
    why: bool = False,
    hidden: int = 0,
    context: typer.Context | None = None,
) -> None:
    """Print the people table (with ``why``, each tie in words), then the circles' sizes.

    ``hidden`` is how many more a --limit left out: a line says so, with the command of
    ``context`` that shows them all.
    """
    if not found.standings:
        err.print("No interactions with anyone in the store yet: import an archive with replies.")
        return
    people = [entry.person for entry in shown]
    flags = [_flags_cell(entry) for entry in shown]
    columns = [CIRCLE, _who_column(people), *([WHY] if why else FIGURE_COLUMNS)]
    from amity.desk.people import Pinned  # loaded already, with the people it renders

    rows = [_pinned_row(e, why=why) if isinstance(e, Pinned) else _row(e, why=why) for e in shown]
    if any(flags):  # else no flags column: an empty one would only take room from the others
        columns.append(FLAGS)
        rows = [[*row, flag] for row, flag in zip(rows, flags, strict=True)]
    title = title_of(found)
    options = {"header_style": "bold", "show_lines": why, "title": title, "title_justify": "left"}
    out.print(fitted_table(columns, rows, width=out.width, **options))
    if context is not None:
        say_more(context, hidden)
    sizes = " · ".join(f"{n:,}" for n in found.circle_sizes[:CIRCLES])
    away = f" Left out: {found.kept_away:,} you block or mute." if found.kept_away else ""
    err.print(
        f"[dim]Circles 1–4: {sizes}; {found.circle_sizes[CIRCLES]:,} further out (--all).{away}"
        f" * pinned by you.{_why_line(people)}[/]"
    )


def _why_line(people: Sequence[Person]) -> str:
    """Return the line that says how to see why the first person listed stands where they do."""
    if not people:
        return ""
    first = command("people", "show", f"#{people[0].person_id}")
    return f"\nWhy someone stands where they do: {shown(first)}"


def _who_column(people: Sequence[Person]) -> Column:
    """Return the column of names and handles: names may wrap, handles never."""
    handles = [cell_len(one_line(handle)) for person in people for handle in person.handles]
    return Column("who", wraps=True, least=max(handles, default=0))


def show_evaluation(result: Evaluation) -> None:
    """Print the four methods' figures side by side, the best of each bold."""
    data = result.as_dict()
    table = Table(header_style="bold", title="Replay: who comes next", title_justify="left")
    table.add_column("method")
    for label in FIGURES.values():
        table.add_column(label.replace(" ", "\n"), justify="right")
    best = {key: max(scores[key] for scores in data.values()) for key in FIGURES}
    for method in data:
        cells = [
            f"[bold]{value:.4f}[/]" if value == best[key] else f"{value:.4f}"
            for key, value in data[method].items()
        ]
        table.add_row(method.replace("_", " "), *cells)
    out.print(table)


def _row(standing: Standing, *, why: bool) -> list[str]:
    tie = standing.contact.tie
    if why:
        return [
            _circle_cell(standing),
            _who_cell(standing.person),
            shown(standing.explanation),
        ]
    usual = tie.usual_gap_days
    return [
        _circle_cell(standing),
        _who_cell(standing.person),
        f"{short_duration(standing.days_since_last)} ago",
        f"{sum(n for _, n in tie.recent_kinds):,}",
        f"{tie.sent:,} / {tie.received:,}",
        "" if usual is None else short_duration(usual),
    ]


def _pinned_row(pinned: Pinned, *, why: bool) -> list[str]:
    cells = [f"{pinned.circle}*", _who_cell(pinned.person), "never"]
    if why:
        return [*cells[:2], "pinned by you; no interaction with them in the store yet"]
    return [*cells, *[""] * (len(FIGURE_COLUMNS) - 1)]


def _circle_cell(standing: Standing) -> str:
    contact = standing.contact
    return _circle_text(contact.circle) + ("*" if contact.pinned else "")


def _circle_text(circle: int) -> str:
    return "–" if circle == FURTHER_OUT else str(circle)


def _who_cell(person: Person) -> str:
    """Return a person's name and number, then their handles, one a line: never cut."""
    handles = [shown_line(handle) for handle in person.handles]
    number = f"[dim]#{person.person_id}[/]"
    if person.has_name:
        return "\n".join(
            [f"{shown_line(person.name)} {number}", *(f"[dim]{h}[/]" for h in handles)]
        )
    first, *others = handles or [shown_line(person.name)]
    return "\n".join([f"{first} {number}", *others])


def _flags_cell(entry: Standing | Pinned) -> str:
    from amity.desk.people import Pinned  # loaded already, with the people it renders

    contact = None if isinstance(entry, Pinned) else entry.contact
    flags = ["[yellow]drifting[/]"] if contact and contact.drift else []
    flags += ["[green]rising[/]"] if contact and contact.rise else []
    flags += [f"[dim]{shown_line(t)}[/]" for t in entry.person.tags]
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


def show_person_page(page: PersonPage) -> None:
    """Print one person: accounts, circle and why, drift or rise, tags, notes and meetings."""
    person, standing = page.person, page.standing
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column(overflow="fold")
    grid.add_row("accounts", "\n".join(shown_line(handle) for handle in person.handles))
    if page.is_you:
        grid.add_row("", "This is you.")
    elif page.kept_away:
        verbs = " and ".join(KEPT_AWAY[kind] for kind in page.kept_away)
        grid.add_row("circle", f"none: you {verbs} them, so they are left out of your people.")
    elif standing is None:
        pinned = f"pinned to circle {page.pinned_circle}; " if page.pinned_circle else ""
        grid.add_row("circle", f"{pinned}no interactions with them before {day(page.people.now)}.")
    else:
        _standing_rows(grid, standing)
    if person.tags:
        grid.add_row("tags", ", ".join(shown_line(tag) for tag in person.tags))
    for note in page.notes:
        label, text = _note_line(note)
        grid.add_row(label, text)
    out.print(f"[bold]{shown_line(person.name)}[/] [dim]#{person.person_id}[/]")
    out.print(grid)


def _standing_rows(grid: Table, standing: Standing) -> None:
    contact, tie = standing.contact, standing.contact.tie
    where = (
        f"{contact.circle}"
        if contact.circle != FURTHER_OUT
        else f"further out than circle {CIRCLES}"
    )
    how = "pinned by you" if contact.pinned else "from how often you talk"
    grid.add_row("circle", f"{where} ({how}: {tie.frequency:.1f} weighted interactions a month)")
    grid.add_row("why", shown(standing.explanation.replace("; ", "\n")))
    if contact.drift:
        grid.add_row("[yellow]drifting[/]", shown(standing.drift_explanation))
    if contact.rise:
        grid.add_row("[green]rising[/]", shown(standing.rise_explanation))


def show_changes(found: People, *, most: int = 0, context: typer.Context | None = None) -> None:
    """Print the drifting ties (or say there are none), then the rising ones.

    With ``most``, only that many of each, and a line with the command of ``context`` that
    shows the rest; 0 shows them all.
    """
    drifting = [
        (s.person, [str(d.circle_then), s.silent_for or "", shown(s.drift_explanation)])
        for s in found.drifting
        if (d := s.contact.drift)
    ]
    if drifting:
        columns = [Column("circle\nthen", drop=2), Column("silent\nfor", drop=1), WHY]
        title = title_of(found, "Drifting")
        _print_changes(title, "drifting", columns, drifting, most=most, context=context)
    else:
        err.print(
            f"No close tie is drifting as of {day(found.now)}: nobody in circles 1–2 has been"
            " quiet for far longer than usual."
        )
    rising = [
        (s.person, [_circle_text(r.circle), shown(s.rise_explanation)])
        for s in found.rising
        if (r := s.contact.rise)
    ]
    if rising:
        columns = [Column("circle"), WHY]
        _print_changes("Rising", "rising", columns, rising, most=most, context=context)


def _print_changes(
    title: str,
    what: str,
    columns: list[Column],
    entries: list[tuple[Person, list[str]]],
    *,
    most: int,
    context: typer.Context | None,
) -> None:
    """Print a table of people with ``columns`` after their names, ``most`` of them (0: all),
    and a line for the rest."""
    listed = entries[:most] if most else entries
    rows = [[_who_cell(person), *cells] for person, cells in listed]
    who = _who_column([person for person, _ in listed])
    options = {"header_style": "bold", "title": title, "title_justify": "left"}
    out.print(fitted_table([who, *columns], rows, width=out.width, **options))
    if context is not None:
        say_more(context, len(entries) - len(listed), f" {what}")


def title_of(found: People, what: str = "Your people") -> str:
    newest = " (your newest data)" if found.now == found.newest_at else ""
    return f"{what}, as of {day(found.now)}{newest}"


def _note_line(note: PersonNote) -> tuple[str, str]:
    if note.kind == "met":
        where = f" at {one_line(note.place)}" if note.place else ""
        when = note.happened_on or day(note.created_at)
        text = f"{when}{where}" + (f": {note.text}" if note.text else "")
        return "met", shown(text)
    return "note", shown(f"{day(note.created_at)}  {note.text}")


def day(moment: int) -> str:
    return datetime.fromtimestamp(moment, UTC).date().isoformat()
