"""Long lists: one ``--limit`` option for every command that lists, and the line for the rest.

A table shows a screenful by default and says how many more there are, with the command that
shows them all: the same command as typed, with ``--limit 0``, which means no limit. ``--json`` is
for programs, which want the whole list: it is cut only when ``--limit`` is given.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time
from typing import Any, TypeVar

import typer
from rich.markup import escape

from amity.cli.common import command, err

T = TypeVar("T")
NOT_REPEATED = {"workspace", "json", "debug"}
"""Options the line for the rest leaves out: ``command`` names the workspace itself."""


def limit_option(default: int) -> Any:
    """Return the ``--limit`` option of a command whose table shows ``default`` rows at most."""
    return typer.Option(
        "--limit",
        min=0,
        metavar="N",
        show_default=False,
        help=f"Show at most N; 0 shows all (default: {default}, and all with --json).",
    )


def limited(items: Sequence[T], limit: int | None, *, default: int, json: bool) -> list[T]:
    """Return the first ``limit`` items (all for 0); without a limit, ``default`` of them, or all
    of them for ``--json``."""
    most = limit if limit is not None else (0 if json else default)
    return list(items if most == 0 else items[:most])


def say_more(context: typer.Context, hidden: int, what: str = "") -> None:
    """Say how many rows a table left out, and the command that shows them all."""
    if hidden > 0:
        again = command_again(context, limit="0")
        err.print(f"[dim]{hidden:,} more{what}: {escape(again)}[/]")


def command_again(context: typer.Context, **changed: str) -> str:
    """Return a shell line that runs this command again as it was typed, with ``changed`` options.

    What the user gave goes in as given (the person, ``--at``, the filters), and the workspace as
    ``command`` names it, so the line runs where they are, on the same store; the other options
    keep their defaults.
    """
    words = context.command_path.split()[1:]
    for param in context.command.params:
        name = param.name
        if name is None or name in changed or name in NOT_REPEATED:
            continue
        value = context.params.get(name)
        if value is not None and value != param.default:
            words += _given(param, value)
    for name, value in changed.items():
        words += [f"--{name.replace('_', '-')}", value]
    return command(*words)


def _given(param: Any, value: object) -> list[str]:
    """Return the words that give ``param`` this value on the command line."""
    if param.param_type_name == "argument":
        values = value if isinstance(value, list | tuple) else [value]
        return [_word(item) for item in values]
    option = max(param.opts, key=len)
    if getattr(param, "is_flag", False):
        return [option] if value else []
    return [option, _word(value)]


def _word(value: object) -> str:
    """Return an option's value as the command line gives it: a day as YYYY-MM-DD."""
    if isinstance(value, datetime) and value == datetime.combine(value.date(), time()):
        return value.date().isoformat()
    return str(value)
