"""Help that reads as words: what each option takes is named (NUMBER, DATE, PATH, TEXT).

Typer names the value of an option by its Python type (``<int range>``, ``<str>``,
``<%Y-%m-%d>``) and puts the type after each argument's name too. ``WordedGroup``, the class of
amity's top command, names them once for every command, when the command line is built: an
option takes a word (one given as ``metavar=`` stays), an argument is named by its own name, and
a flag takes nothing.
"""

from __future__ import annotations

from typing import Any

import typer
from typer.core import TyperArgument, TyperGroup

WORDS = {
    "int": "NUMBER",
    "int range": "NUMBER",
    "float": "NUMBER",
    "float range": "NUMBER",
    "str": "TEXT",
    "list[str]": "TEXT",
    "Path": "PATH",
    "list[Path]": "PATH",
    "%Y-%m-%d": "DATE",
    "datetime": "DATE",
    "integer": "NUMBER",
    "integer range": "NUMBER",
    "text": "TEXT",
    "path": "PATH",
}
"""The names Typer and click give types, and the word the help shows for each."""


class WordedGroup(TyperGroup):
    """A group whose commands' help names every value in words, its own and its subgroups'."""

    def __init__(self, **settings: Any) -> None:
        super().__init__(**settings)
        context = typer.Context(self)
        for command in _every_command(self):
            for param in command.params:
                _name_in_words(param, context)


def _every_command(group: Any) -> list[Any]:
    """Return ``group`` and every command below it."""
    found = [group]
    for command in getattr(group, "commands", {}).values():
        found += _every_command(command)
    return found


def _name_in_words(param: Any, context: typer.Context) -> None:
    """Name the value ``param`` takes with a word; an argument with its name alone."""
    if isinstance(param, TyperArgument):
        if param.metavar is None:
            param.metavar = (param.name or "value").upper()
        setattr(param, "display_type_rich", _no_type)  # noqa: B010 (a method, set on one object)
        shown = param.metavar + ("..." if param.nargs != 1 else "")
        shown = shown if param.required else f"[{shown}]"
        setattr(param, "make_metavar", _named(shown))  # noqa: B010 (likewise)
        return
    if param.metavar is None and not getattr(param, "is_flag", False):
        param.metavar = _word(param, context)


def _word(param: Any, context: typer.Context) -> str:
    """Return the word for what ``param`` takes: by its click type's name where it has one."""
    name = getattr(getattr(param, "type", None), "name", None)
    if name in WORDS:
        return WORDS[name]
    display = getattr(param, "display_type", None)  # Typer's own name of the type
    return WORDS.get(display(context).strip("<>"), "VALUE") if display else "VALUE"


def _named(metavar: str) -> Any:
    """Return a ``make_metavar`` giving ``metavar`` as it is (Typer 0.28 puts braces round it)."""

    def make_metavar(*_: object, **__: object) -> str:
        return metavar

    return make_metavar


def _no_type(ctx: object) -> None:
    """Show no type after an argument's name: the name says what it is."""
