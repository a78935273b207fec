"""What every command shares: the workspace option, the consoles, error translation."""

from __future__ import annotations

import errno
import math
import re
import sys
import traceback
from collections.abc import Callable
from contextvars import ContextVar
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, ParamSpec, TypeVar

import orjson
import typer
from rich.console import Console
from rich.text import Text

from amity.cli.text import command_line, plain, safe_json, shown
from amity.config import Settings, load_settings
from amity.credentials import redact
from amity.desk.workspace import Workspace, open_workspace
from amity.errors import AmityError

P = ParamSpec("P")
R = TypeVar("R")


class SafeConsole(Console):
    """A console that never passes on an escape sequence or a control character in its text.

    Every string it prints or puts in a table goes through ``plain`` first, whoever wrote it: a
    guard behind the commands, which escape what came from outside with ``shown`` themselves.
    Its own colours are added after, by Rich. Emoji codes stay as written (":fire:").
    """

    def render_str(self, text: str, **options: Any) -> Text:
        """Return ``text`` as Rich text, without anything a terminal would act on."""
        return super().render_str(plain(text), **options)


out = SafeConsole(highlight=False, soft_wrap=True, emoji=False)
err = SafeConsole(stderr=True, highlight=False, soft_wrap=True, emoji=False)
LARGEST_NUMBER = 2**63 - 1
"""The largest number a store holds: no person, account or post is numbered beyond it."""


def _person_name(name: str) -> str:
    """Refuse a person's number no store can hold, before it reaches the database."""
    digits = name.strip().removeprefix("#")
    if name.strip().startswith("#") and digits.isdigit() and int(digits) > LARGEST_NUMBER:
        raise typer.BadParameter(
            f"no person has the number #{digits[:24]}: numbers are those `amity people list`"
            " shows, as #12"
        )
    return name


def path_given(text: str | Path | None) -> Path | None:
    """Read a path from the command line; refuse an empty one, which would mean this folder.

    An empty path is most often a shell variable that was never set: taken as ``.`` it would
    make a workspace of, or write into, whatever folder the command runs in.
    """
    if isinstance(text, str) and not text.strip():
        raise typer.BadParameter("an empty path; give a folder or file by its name")
    return None if text is None else Path(text)


def finite(value: float) -> float:
    """Refuse ``nan`` for a number option: it passes every range check and means nothing."""
    if math.isnan(value):
        raise typer.BadParameter("not a number; give one such as 0.5")
    return value


WorkspaceOption = Annotated[
    Path | None,
    typer.Option(
        "--workspace",
        "-w",
        help="Workspace folder (default: $AMITY_WORKSPACE or the platform's data folder).",
        metavar="PATH",
        show_default=False,
        parser=path_given,
    ),
]
PersonArgument = Annotated[
    str,
    typer.Argument(
        help="A person: one of their accounts (x:ana, @ana), their name, or #NUMBER.",
        show_default=False,
        callback=_person_name,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for machines on stdout.")]
DebugOption = Annotated[bool, typer.Option("--debug", help="Show the traceback of an error.")]


_BEFORE_COMMAND: ContextVar[Path | None] = ContextVar("workspace_before_command", default=None)
_IN_USE: ContextVar[Path | None] = ContextVar("workspace_in_use", default=None)


def choose_workspace(workspace: Path | None) -> None:
    """Remember the --workspace given before the command's name (``amity -w PATH people list``).

    The command's own --workspace, given after its name, wins over this one.
    """
    _BEFORE_COMMAND.set(workspace)
    _IN_USE.set(workspace)


def settings_for(workspace: Path | None) -> Settings:
    """Resolve the settings of a command from its --workspace option and the environment."""
    chosen = workspace if workspace is not None else _BEFORE_COMMAND.get()
    _IN_USE.set(chosen)
    return load_settings(chosen)


def command(*words: str) -> str:
    """Return ``amity WORDS…`` as a line the user can paste into a shell, here, to run it.

    Each word is quoted as the shell needs; where this command ran in a workspace other than
    the default one, the line names it with --workspace, relative to this folder when inside it.
    Print it through ``shown``: it is plain text, not Rich markup.
    """
    return command_line(words, workspace=_workspace_to_name())


_QUOTED_COMMAND = re.compile(r"`(amity [a-z][^`]*)`")


def with_workspace(text: str) -> str:
    """Add --workspace to every `amity …` command quoted in ``text``, as ``command`` would.

    For messages and hints from below the command line, which know no workspace but the one
    they were given.
    """
    workspace = _workspace_to_name()
    if workspace is None:
        return text
    named = command_line((), workspace=workspace).removeprefix("amity")
    return _QUOTED_COMMAND.sub(lambda found: f"`{found[1]}{named}`", text)


def _workspace_to_name() -> str | None:
    """Return the workspace in use as a hint should name it; None for the default one."""
    given = _IN_USE.get()
    if given is None:
        return None
    folder = given.expanduser().resolve()
    if folder == load_settings(None).workspace:
        return None
    try:
        name = str(folder.relative_to(Path.cwd()))
    except ValueError:
        return str(folder)
    return f"./{name}" if name.startswith("-") else name


def workspace_for(workspace: Path | None) -> Workspace:
    """Return the command's workspace, failing clearly unless it exists; its store opens later."""
    return open_workspace(settings_for(workspace))


def print_json(data: Any) -> None:
    """Print ``data`` as indented JSON on stdout, with nothing in it a terminal would act on."""
    sys.stdout.write(safe_json(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode()) + "\n")


def friendly_errors(function: Callable[P, R]) -> Callable[P, R]:
    """Turn amity's errors into a clear message and exit code 1; no traceback unless --debug."""

    @wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        debug = bool(kwargs.get("debug", False))
        try:
            return function(*args, **kwargs)
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise  # the command line's own way out, with the exit code it means
        except KeyboardInterrupt:
            _report("interrupted; nothing from this command was stored", "")
            raise typer.Exit(130) from None
        except Exception as error:
            _fail(error, debug=debug)
        raise typer.Exit(1)

    return wrapper


def _fail(error: Exception, *, debug: bool) -> None:
    """Say what went wrong and what to do; the traceback too with --debug."""
    if debug:
        _show_traceback()
    if isinstance(error, AmityError):
        _report(error.summary, error.hint)
    elif isinstance(error, MemoryError):
        _report("ran out of memory", "Close other programs, or import one archive at a time.")
    elif isinstance(error, OSError):
        _report(*_file_error(error))
    else:  # the last line of defence: never a bare traceback
        _report(
            f"unexpected error: {type(error).__name__}: {_first_line(error)}",
            "This is a bug in amity. Run the command again with --debug and report the output.",
        )


_FILE_HINTS = {
    errno.EACCES: "You may not use it: choose a place of your own, or change its permissions.",
    errno.EPERM: "You may not use it: choose a place of your own, or change its permissions.",
    errno.EROFS: "It is on a read-only disk: choose another place.",
    errno.EEXIST: "A file is where a folder should be: choose another path.",
    errno.ENOTDIR: "A file is where a folder should be: choose another path.",
    errno.EISDIR: "A folder is where a file should be: choose another path.",
    errno.ENOENT: "Check the path: it, or a folder on the way to it, does not exist.",
    errno.ENOSPC: "Free some space and run the command again.",
    errno.ENAMETOOLONG: "Choose a shorter path.",
}


def _file_error(error: OSError) -> tuple[str, str]:
    """Return the message and hint of a file that could not be read or written."""
    reason = error.strerror or _first_line(error)
    where = error.filename2 or error.filename
    message = f"cannot use {where}: {reason}" if where is not None else reason
    hint = _FILE_HINTS.get(error.errno or 0, "Check the path and its permissions, then try again.")
    return message, hint


def _first_line(error: Exception) -> str:
    """Return the first line of an error's text; of a statement's, its cause without SQL or rows."""
    inner: object = error
    if _is_statement_error(error):
        inner = getattr(error, "orig", None) or type(error).__name__
    lines = str(inner).strip().splitlines()
    return lines[0] if lines else type(error).__name__


def _is_statement_error(error: Exception) -> bool:
    """Return whether ``error`` is SQLAlchemy's StatementError, whose text quotes SQL and rows.

    Told by name, so that the command line never loads SQLAlchemy itself.
    """
    return any(
        kind.__name__ == "StatementError" and kind.__module__ == "sqlalchemy.exc"
        for kind in type(error).__mro__
    )


def _report(message: str, hint: str) -> None:
    err.print(f"[bold red]error:[/] {shown(with_workspace(redact(message)))}")
    if hint:
        err.print(f"[dim]→ {shown(with_workspace(redact(hint)))}[/]")


def _show_traceback() -> None:
    """Print the current exception's traceback for --debug, with every secret blanked out."""
    sys.stderr.write(plain(redact(traceback.format_exc())))
