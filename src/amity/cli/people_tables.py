"""The tables the people commands print: circles, one person, drift and rises, the replay."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from rich.table import Table

from amity.cli.common import err, out
from amity.cli.text import one_line, shown, shown_line
from amity.model import CIRCLES, FURTHER_OUT, PersonNote

if TYPE_CHECKING:
    from amity.desk.people import Evaluation, People, Person, PersonPage, Pinned, Standing

COLUMNS = ("circle", "who", "last\ntalked", "90\ndays", "you /\nthem", "usual\ngap", "flags")
WHY_COLUMNS = ("circle", "who", "why", "flags")
LEFT = {"who", "why", "flags"}
KEPT_AWAY = {"block": "blocked", "mute": "muted"}
FIGURES = {
    "next_event_mrr": "next-event MRR",
    "next_event_precision_at_5": "next-event P@5",
    "next_window_precision_at_5": "next-window P@5",
    "next_window_precision_at_10": "next-window P@10",
}


def show_people(found: People, shown: list[Standing | Pinned], *, why: bool = False) -> None:
    """Print the people table (with ``why``, each tie in words), then the circles' sizes."""
    if not found.standings:
        err.print("No interactions with anyone in the store yet: import an archive with replies.")
        return
    table = Table(header_style="bold", show_lines=why, title=title_of(found), title_justify="left")
    for header in WHY_COLUMNS if why else COLUMNS:
        table.add_column(header, justify="left" if header in LEFT else "right", no_wrap=True)
    table.columns[1].no_wrap = False
    table.columns[1].min_width = 16
    table.columns[1].overflow = "fold"
    if why:
        table.columns[2].no_wrap = False
        table.columns[2].ratio = 2
    from amity.desk.people import Pinned  # loaded already, with the people it renders

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
    best = {key: max(scores[key] for scores in data.values()) for key in FIGURES}
    for method in data:
        cells = [
            f"[bold]{value:.4f}[/]" if value == best[key] else f"{value:.4f}"
            for key, value in data[method].items()
        ]
        table.add_row(method.replace("_", " "), *cells)
    out.print(table)


def _row(standing: Standing) -> list[str]:
    tie = standing.contact.tie
    usual = tie.usual_gap_days
    return [
        _circle_cell(standing),
        _who_cell(standing.person),
        f"{short_duration(standing.days_since_last)} ago",
        f"{sum(n for _, n in tie.recent_kinds):,}",
        f"{tie.sent:,} / {tie.received:,}",
        "" if usual is None else short_duration(usual),
        _flags_cell(standing),
    ]


def _why_row(standing: Standing) -> list[str]:
    return [
        _circle_cell(standing),
        _who_cell(standing.person),
        shown(standing.explanation),
        _flags_cell(standing),
    ]


def _pinned_row(pinned: Pinned, *, columns: int) -> list[str]:
    cells = [f"{pinned.circle}*", _who_cell(pinned.person), "never"]
    return [*cells, *[""] * (columns - len(cells) - 1), _flags_cell(pinned)]


def _circle_cell(standing: Standing) -> str:
    contact = standing.contact
    return _circle_text(contact.circle) + ("*" if contact.pinned else "")


def _circle_text(circle: int) -> str:
    return "–" if circle == FURTHER_OUT else str(circle)


def _who_cell(person: Person) -> str:
    handles = ", ".join(shown_line(handle) for handle in person.handles)
    number = f"[dim]#{person.person_id}[/]"
    if person.has_name:
        return f"{shown_line(person.name)} {number}\n[dim]{handles}[/]"
    return f"{handles} {number}"


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


def show_changes(found: People) -> None:
    """Print the drifting ties (or say there are none), then the rising ones."""
    drifting = [(s, s.contact.drift) for s in found.drifting if s.contact.drift]
    if drifting:
        rows = [
            [str(d.circle_then), s.silent_for or "", shown(s.drift_explanation)]
            for s, d in drifting
        ]
        headers = ("circle then", "silent for", "why")
        _print_changes(title_of(found, "Drifting"), headers, [s for s, _ in drifting], rows)
    else:
        err.print(
            f"No close tie is drifting as of {day(found.now)}: nobody in circles 1–2 has been"
            " quiet for far longer than usual."
        )
    rising = [(s, s.contact.rise) for s in found.rising if s.contact.rise]
    if rising:
        rows = [[_circle_text(r.circle), shown(s.rise_explanation)] for s, r in rising]
        _print_changes("Rising", ("circle", "why"), [s for s, _ in rising], rows)


def _print_changes(
    title: str, headers: Sequence[str], standings: list[Standing], rows: list[list[str]]
) -> None:
    table = Table(header_style="bold", title=title, title_justify="left")
    for header in ("#", "who", *headers):
        table.add_column(header)
    for standing, row in zip(standings, rows, strict=True):
        person = standing.person
        table.add_row(f"[dim]{person.person_id}[/]", shown_line(person.name), *row)
    out.print(table)


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
