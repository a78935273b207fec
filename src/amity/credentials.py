"""Credentials of connected accounts, kept apart from the data.

Each connected account has one JSON file in the workspace's ``secrets/`` folder (the folder mode
0700, each file 0600, written atomically), or, for headless use, an environment variable named
after it (``AMITY_SECRET_<NAME>``: a Mastodon access token or a Bluesky app password), which wins
over the file. Nothing here ever reaches the database, a log or the output: every value read or
written is remembered so that ``redact`` can blank it out of any text amity prints.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import orjson

from amity.config import Settings
from amity.errors import WorkspaceError

ENV_PREFIX = "AMITY_SECRET_"
FROM_ENVIRONMENT = "from_environment"
"""The key under which a secret taken from an environment variable is handed over."""
SECRET_KEYS = frozenset({FROM_ENVIRONMENT, "access_token", "client_secret", "session"})
"""The values of a secret file that are secret (the others say where and for whom)."""
_KNOWN: set[str] = set()
_MASK = "[secret]"


@dataclass(frozen=True, slots=True)
class Secret:
    """What amity holds to read one account, and where it came from (a file or a variable)."""

    values: Mapping[str, str]
    source: str


def secret_name(platform: str, handle: str) -> str:
    """Return the name of an account's secret: platform and handle, as file-name-safe text."""
    slug = re.sub(r"[^a-z0-9]+", "-", handle.lower().lstrip("@")).strip("-")
    return f"{platform}-{slug or 'account'}"


def environment_variable(name: str) -> str:
    """Return the environment variable that may hold the secret ``name``."""
    return ENV_PREFIX + re.sub(r"[^A-Z0-9]+", "_", name.upper()).strip("_")


def remember(*values: str | None) -> None:
    """Note secret values so that ``redact`` hides them wherever they would be printed."""
    _KNOWN.update(value for value in values if value and len(value) >= 6)


def redact(text: str) -> str:
    """Return ``text`` with every secret value amity has seen replaced by a mask."""
    for value in sorted(_KNOWN, key=len, reverse=True):
        if value in text:
            text = text.replace(value, _MASK)
    return text


def _remember_secrets(values: Mapping[str, str]) -> None:
    for key, value in values.items():
        if key in SECRET_KEYS:
            remember(value, *value.split(":::"))


class Vault:
    """The workspace's secrets: one file per account, or an environment variable."""

    def __init__(self, settings: Settings, *, environ: Mapping[str, str] | None = None) -> None:
        self.folder = settings.secrets_dir
        self._environ = os.environ if environ is None else environ

    def path(self, name: str) -> Path:
        """Return the file that holds the secret ``name``."""
        return self.folder / f"{name}.json"

    def read(self, name: str) -> Secret | None:
        """Return the secret ``name`` from its variable or its file; None when there is none."""
        variable = environment_variable(name)
        value = self._environ.get(variable)
        if value:
            remember(value)
            return Secret({FROM_ENVIRONMENT: value}, f"${variable}")
        path = self.path(name)
        try:
            data = orjson.loads(path.read_bytes())
        except FileNotFoundError:
            return None
        except (OSError, orjson.JSONDecodeError) as error:
            raise WorkspaceError(
                f"the secret file {path} cannot be read ({type(error).__name__})",
                hint="Delete it and connect the account again with `amity connect`.",
            ) from None
        found = data if isinstance(data, dict) else {}
        values = {key: value for key, value in found.items() if isinstance(value, str)}
        _remember_secrets(values)
        return Secret(values, str(path))

    def write(self, name: str, values: Mapping[str, str]) -> Path:
        """Write the secret ``name`` (mode 0600, atomically: a crash leaves the old or the new)."""
        _remember_secrets(values)
        self._ensure_folder()
        path = self.path(name)
        handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".", suffix=".tmp")
        try:
            os.fchmod(handle, 0o600)
            with os.fdopen(handle, "wb") as out:
                out.write(orjson.dumps(dict(values), option=orjson.OPT_INDENT_2))
                out.flush()
                os.fsync(out.fileno())
            Path(temporary).replace(path)
        except OSError as error:
            Path(temporary).unlink(missing_ok=True)
            raise WorkspaceError(
                f"cannot write the secret file {path}: {error.strerror}",
                hint="Check that the workspace folder is yours and writable.",
            ) from None
        return path

    def delete(self, name: str) -> bool:
        """Delete the secret file ``name``; return False when there was none."""
        path = self.path(name)
        try:
            path.unlink()
        except FileNotFoundError:
            return False
        return True

    def _ensure_folder(self) -> None:
        try:
            self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            self.folder.chmod(0o700)
        except OSError as error:
            raise WorkspaceError(
                f"cannot create the secrets folder {self.folder}: {error.strerror}",
                hint="Check that the workspace folder is yours and writable.",
            ) from None
