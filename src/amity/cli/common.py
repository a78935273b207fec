"""What every command shares: the workspace option, the consoles, error translation."""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, ParamSpec, TypeVar

import orjson
import typer
from rich.console import Console
from sqlalchemy import Engine

from amity.cli.text import shown
from amity.config import Settings, load_settings, require_workspace
from amity.credentials import redact
from amity.errors import AmityError
from amity.store import open_store
from amity.store.migrate import require_current

P = ParamSpec("P")
R = TypeVar("R")

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

WorkspaceOption = Annotated[
    Path | None,
    typer.Option(
        "--workspace",
        "-w",
        help="Workspace folder (default: $AMITY_WORKSPACE or the platform's data folder).",
        show_default=False,
    ),
]
PersonArgument = Annotated[
    str,
    typer.Argument(
        help="A person: one of their accounts (x:ana, @ana), their name, or #NUMBER.",
        show_default=False,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for machines on stdout.")]
DebugOption = Annotated[bool, typer.Option("--debug", help="Show the traceback of an error.")]


def settings_for(workspace: Path | None) -> Settings:
    """Resolve the settings of a command from its --workspace option and the environment."""
    return load_settings(workspace)


def open_current_store(workspace: Path | None) -> Engine:
    """Open the workspace's store, failing clearly unless it exists and its schema is current."""
    settings = settings_for(workspace)
    require_workspace(settings)
    engine = open_store(settings)
    require_current(engine)
    return engine


def print_json(data: Any) -> None:
    """Print ``data`` as indented JSON on stdout."""
    sys.stdout.write(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode() + "\n")


def friendly_errors(function: Callable[P, R]) -> Callable[P, R]:
    """Turn amity's errors into a clear message and exit code 1; no traceback unless --debug."""

    @wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        debug = bool(kwargs.get("debug", False))
        try:
            return function(*args, **kwargs)
        except AmityError as error:
            if debug:
                _show_traceback()
            _report(error.summary, error.hint)
        except KeyboardInterrupt:
            _report("interrupted; nothing from this command was stored", "")
            raise typer.Exit(130) from None
        except MemoryError:
            _report("ran out of memory", "Close other programs, or import one archive at a time.")
        except Exception as error:  # the last line of defence: never a bare traceback
            if debug:
                _show_traceback()
            _report(
                f"unexpected error: {type(error).__name__}: {error}",
                "This is a bug in amity. Run the command again with --debug and report the output.",
            )
        raise typer.Exit(1)

    return wrapper


def _report(message: str, hint: str) -> None:
    err.print(f"[bold red]error:[/] {shown(redact(message))}")
    if hint:
        err.print(f"[dim]→ {shown(redact(hint))}[/]")


def _show_traceback() -> None:
    """Print the current exception's traceback for --debug, with every secret blanked out."""
    sys.stderr.write(redact(traceback.format_exc()))
