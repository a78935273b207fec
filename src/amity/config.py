"""Settings as data: where the workspace is and which database it uses.

Nothing here runs at import time; ``load_settings`` builds the settings when a command asks.
Precedence, highest first: the ``--workspace`` option, the ``AMITY_WORKSPACE`` variable, the
platform's data folder. For the database: ``AMITY_DATABASE_URL``, then ``database.url`` in the
workspace's ``amity.toml``, then the SQLite file inside the workspace.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import platformdirs

from amity.errors import WorkspaceError


@dataclass(frozen=True, slots=True)
class Setting:
    """One setting: its name, where it can come from, and what it does."""

    name: str
    environment: str
    description: str


SETTINGS = (
    Setting(
        "workspace",
        "AMITY_WORKSPACE",
        "Folder holding amity.toml, the SQLite database and secrets/. Default: the platform's"
        " user data folder for 'amity' (e.g. ~/.local/share/amity).",
    ),
    Setting(
        "database_url",
        "AMITY_DATABASE_URL",
        "SQLAlchemy URL of the store, SQLite or PostgreSQL. Default:"
        " sqlite:///WORKSPACE/amity.db. Use postgresql+psycopg://USER:PASSWORD@HOST/NAME for"
        " PostgreSQL.",
    ),
    Setting(
        "bluesky_plc",
        "AMITY_BLUESKY_PLC",
        "PLC directory that turns a Bluesky DID into its server, for `amity connect bluesky`."
        " Default: https://plc.directory.",
    ),
)

CONFIG_FILE = "amity.toml"
DATABASE_FILE = "amity.db"
SECRETS_DIR = "secrets"
PRIVATE_FOLDER = 0o700
PRIVATE_FILE = 0o600
"""The store holds private messages: the workspace and its files are its owner's alone."""


@dataclass(frozen=True, slots=True)
class Settings:
    """The resolved settings of one command."""

    workspace: Path
    database_url: str
    bluesky_plc: str | None = None

    @property
    def config_file(self) -> Path:
        """Return the path of the workspace's amity.toml."""
        return self.workspace / CONFIG_FILE

    @property
    def secrets_dir(self) -> Path:
        """Return the folder for credentials, kept out of the database (mode 0700)."""
        return self.workspace / SECRETS_DIR


def default_workspace() -> Path:
    """Return the platform's user data folder for amity."""
    return Path(platformdirs.user_data_dir("amity", appauthor=False))


def load_settings(
    workspace: Path | None = None, *, environ: Mapping[str, str] | None = None
) -> Settings:
    """Resolve the settings from the option, the environment and the workspace's amity.toml."""
    env = os.environ if environ is None else environ
    folder = workspace or (Path(env["AMITY_WORKSPACE"]) if env.get("AMITY_WORKSPACE") else None)
    folder = (folder or default_workspace()).expanduser().resolve()
    url = env.get("AMITY_DATABASE_URL") or _configured_url(folder / CONFIG_FILE)
    return Settings(
        workspace=folder,
        database_url=url or f"sqlite:///{folder / DATABASE_FILE}",
        bluesky_plc=env.get("AMITY_BLUESKY_PLC") or None,
    )


def _configured_url(config_file: Path) -> str | None:
    if not config_file.is_file():
        return None
    try:
        data = tomllib.loads(config_file.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise WorkspaceError(
            f"{config_file} is not valid TOML: {error}",
            hint="Fix the file by hand, or move it away and run `amity init` again.",
        ) from error
    database = data.get("database", {})
    url = database.get("url") if isinstance(database, dict) else None
    return url if isinstance(url, str) and url else None


def create_workspace(settings: Settings) -> bool:
    """Create the workspace folder, amity.toml and secrets/; return False if it already existed.

    The folder and secrets/ are made readable by their owner only (0700), and amity.toml too
    (0600); an existing workspace is tightened the same way. A folder that held other things
    before it became a workspace keeps its mode.
    """
    _refuse_a_file(settings.workspace)
    existed = settings.config_file.is_file()
    try:
        _make_folder(settings.workspace, private=existed)
        settings.secrets_dir.mkdir(mode=PRIVATE_FOLDER, exist_ok=True)
        settings.secrets_dir.chmod(PRIVATE_FOLDER)
        if existed:
            settings.config_file.chmod(PRIVATE_FILE)
        else:
            _write_private(settings.config_file, _initial_config())
    except OSError as error:
        raise WorkspaceError(
            f"cannot create the workspace at {settings.workspace}: {error.strerror or error}",
            hint="Choose another folder with --workspace or AMITY_WORKSPACE.",
        ) from error
    return not existed


def _make_folder(folder: Path, *, private: bool) -> None:
    """Create ``folder`` with mode 0700; make it so if it is a workspace or empty already."""
    if not folder.exists():
        folder.parent.mkdir(parents=True, exist_ok=True)
        folder.mkdir(mode=PRIVATE_FOLDER)
        private = True
    elif folder.is_dir() and not any(folder.iterdir()):
        private = True
    if private:
        folder.chmod(PRIVATE_FOLDER)


def _write_private(path: Path, text: str) -> None:
    """Write a new file readable by its owner only."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)


def require_workspace(settings: Settings) -> None:
    """Fail with a clear message unless the workspace has been created."""
    _refuse_a_file(settings.workspace)
    if not settings.config_file.is_file():
        raise WorkspaceError(
            f"there is no amity workspace at {settings.workspace}",
            hint="Run `amity init` (or pass --workspace PATH to use another one).",
        )


def _refuse_a_file(folder: Path) -> None:
    if folder.exists() and not folder.is_dir():
        raise WorkspaceError(
            f"the workspace {folder} is a file, not a folder",
            hint="Pass --workspace with a folder (or set AMITY_WORKSPACE to one).",
        )


def _initial_config() -> str:
    created = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        "# amity workspace settings\n"
        f'created = "{created}"\n\n'
        "[database]\n"
        "# The store. Leave unset for the SQLite file in this folder, or give a URL such as\n"
        '# url = "postgresql+psycopg://amity@localhost/amity"\n'
    )
