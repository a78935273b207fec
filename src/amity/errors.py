"""One exception tree for amity.

Every error says what happened, names the value involved and, through ``hint``, what to do next.
They are translated into a message and an exit code once, at the CLI or web edge.
"""

from __future__ import annotations

from typing import Any


class AmityError(Exception):
    """Base of every error amity raises on purpose."""

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    @property
    def summary(self) -> str:
        """Return what went wrong, without the hint: the line an error message starts with."""
        return self.message

    def __str__(self) -> str:
        return f"{self.summary}\n{self.hint}" if self.hint else self.summary

    def __reduce__(self) -> tuple[Any, ...]:
        # Errors cross from an import's reading process to its writing one; the default would
        # call the constructor without the keyword arguments.
        return (_rebuild, (type(self), dict(vars(self))))


class ConfigError(AmityError):
    """The workspace or its settings are missing or invalid."""


class WorkspaceError(ConfigError):
    """The workspace folder cannot be used as it is."""


class StoreError(AmityError):
    """The database cannot be opened, migrated or written."""


class SchemaOutOfDate(StoreError):
    """The database schema is older than this version of amity."""


class SchemaTooNew(StoreError):
    """The database was written by a newer version of amity than this one."""


class SourceError(AmityError):
    """An input file or archive cannot be read as a whole; nothing from it was imported."""

    def __init__(self, message: str, *, file: str, item: str = "", hint: str = "") -> None:
        super().__init__(message, hint=hint)
        self.file = file
        self.item = item

    @property
    def summary(self) -> str:
        """Return the file, the item if known, and what is wrong with it."""
        where = f"{self.file}: {self.item}: " if self.item else f"{self.file}: "
        return where + self.message


class UnknownFormat(SourceError):
    """The path is not an archive amity can read."""


class ArchiveTooLarge(SourceError):
    """A member of the archive is larger than any real export would be, or expands like a bomb."""


class WrongAccount(AmityError):
    """The archive belongs to another account than the workspace's own on that platform."""


class UsageError(AmityError):
    """A command was given options that do not fit together."""


class NotFound(AmityError):
    """A named thing (person, account, post) is not in the store."""


class AmbiguousName(AmityError):
    """A name given on the command line fits more than one thing in the store."""


class IdentityConflict(AmityError):
    """Accounts cannot be merged into one person, split or kept apart as asked."""


class NetworkError(AmityError):
    """A server could not be reached, or did not answer as its API does."""


class ServerUnreachable(NetworkError):
    """No answer from a server: a closed port, a name that does not resolve, a timeout."""


class ServerFailed(NetworkError):
    """A server answered with an error, a web page or data that is not its API, again and again."""


class CredentialsRejected(AmityError):
    """A network refused an account's credentials: the token expired or was revoked."""

    def __init__(self, message: str, *, state: str = "revoked", hint: str = "") -> None:
        super().__init__(message, hint=hint)
        self.state = state


class BadCredentials(AmityError):
    """Credentials given to connect an account are wrong or of the wrong kind."""


def _rebuild(kind: type[AmityError], state: dict[str, Any]) -> AmityError:
    """Recreate a pickled error from its attributes."""
    error = kind.__new__(kind)
    Exception.__init__(error, state["message"])
    vars(error).update(state)
    return error
