"""Load vcrpy cassettes (recorded Mastodon responses) into typed, immutable records.

Both YAML dialects in the fixtures are read: the 4.6.4 files write headers as block lists, the
3.1.1 files in flow style (``Accept: ['*/*']``, ``body: {string: '...'}``). Bodies are kept as the
exact bytes the server sent (UTF-8 for text, ``!!binary`` as is).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import yaml

FIXTURES_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "mastodon" / "cassettes"


@dataclass(frozen=True, slots=True)
class Query:
    """A query string as an ordered multidict: ``(name, value)`` pairs, names case-sensitive."""

    items: tuple[tuple[str, str], ...] = ()

    @classmethod
    def parse(cls, query: str) -> Query:
        """Parse ``a=1&types%5B%5D=x&types%5B%5D=y`` (blank values kept)."""
        return cls(tuple(parse_qsl(query, keep_blank_values=True)))

    def get_all(self, name: str) -> tuple[str, ...]:
        """Every value of ``name``, in order; empty when absent."""
        return tuple(value for key, value in self.items if key == name)

    def get(self, name: str) -> str | None:
        """The first value of ``name``, or None."""
        values = self.get_all(name)
        return values[0] if values else None

    def __contains__(self, name: object) -> bool:
        return any(key == name for key, _ in self.items)

    def same_as(self, other: Query) -> bool:
        """Whether both hold the same pairs, in any order."""
        return sorted(self.items) == sorted(other.items)


@dataclass(frozen=True, slots=True)
class Headers:
    """HTTP headers as an ordered multidict; names compare case-insensitively."""

    items: tuple[tuple[str, str], ...] = ()

    @classmethod
    def from_yaml(cls, raw: Mapping[str, Any] | None) -> Headers:
        """Read a cassette's ``{name: [value, ...]}`` mapping (a bare value counts as one)."""
        pairs: list[tuple[str, str]] = []
        for name, values in (raw or {}).items():
            listed = values if isinstance(values, list) else [values]
            pairs.extend((str(name), str(value)) for value in listed)
        return cls(tuple(pairs))

    def get_all(self, name: str) -> tuple[str, ...]:
        """Every value of ``name`` (any case), in order; empty when absent."""
        wanted = name.lower()
        return tuple(value for key, value in self.items if key.lower() == wanted)

    def get(self, name: str) -> str | None:
        """The first value of ``name`` (any case), or None."""
        values = self.get_all(name)
        return values[0] if values else None

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and bool(self.get_all(name))


@dataclass(frozen=True, slots=True)
class Recording:
    """One recorded request and the real server's response to it."""

    cassette: str
    index: int
    method: str
    url: str
    path: str
    query: Query
    request_headers: Headers
    request_body: bytes
    status: int
    reason: str
    response_headers: Headers
    body: bytes

    @property
    def origin(self) -> str:
        """``scheme://host[:port]`` of the recorded URL."""
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def token(self) -> str | None:
        """The bearer token the recorded request carried, or None."""
        return bearer_token(self.request_headers.get("Authorization"))


def bearer_token(authorization: str | None) -> str | None:
    """The token of an ``Authorization: Bearer TOKEN`` value, or None for anything else."""
    if authorization is None:
        return None
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def normalise_path(path: str) -> str:
    """The path without its trailing slash, which Mastodon's router ignores."""
    stripped = path.rstrip("/")
    return stripped or "/"


def _body_bytes(raw: Any) -> bytes:
    """The body of a cassette entry: ``{string: str | bytes}``, a bare string, or null."""
    value = raw.get("string") if isinstance(raw, Mapping) else raw
    if value is None:
        return b""
    if isinstance(value, bytes):
        return value
    return str(value).encode("utf-8")


def _recording(cassette: str, index: int, interaction: Mapping[str, Any]) -> Recording:
    request = interaction["request"]
    response = interaction["response"]
    url = str(request["uri"])
    parts = urlsplit(url)
    status = response["status"]
    return Recording(
        cassette=cassette,
        index=index,
        method=str(request["method"]).upper(),
        url=url,
        path=parts.path or "/",
        query=Query.parse(parts.query),
        request_headers=Headers.from_yaml(request.get("headers")),
        request_body=_body_bytes(request.get("body")),
        status=int(status["code"]),
        reason=str(status.get("message") or ""),
        response_headers=Headers.from_yaml(response.get("headers")),
        body=_body_bytes(response.get("body")),
    )


def load_cassette(name: str, root: Path = FIXTURES_DIR) -> tuple[Recording, ...]:
    """Load ``root/name.yaml`` (``name`` may carry a folder and may end in ``.yaml``)."""
    file_name = name if name.endswith(".yaml") else f"{name}.yaml"
    path = root / file_name
    with path.open("rb") as handle:
        document = yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    if not isinstance(document, Mapping) or not isinstance(document.get("interactions"), list):
        raise ValueError(f"{path} is not a vcrpy cassette (no 'interactions' list)")
    label = file_name.removesuffix(".yaml")
    return tuple(
        _recording(label, index, interaction)
        for index, interaction in enumerate(document["interactions"])
    )


def load_cassettes(names: Iterable[str], root: Path = FIXTURES_DIR) -> tuple[Recording, ...]:
    """Load several cassettes, keeping file order and, within each file, recording order."""
    loaded: list[Recording] = []
    for name in names:
        loaded.extend(load_cassette(name, root))
    return tuple(loaded)


def recorded_tokens(recordings: Sequence[Recording]) -> frozenset[str]:
    """Every bearer token that the recorded requests carried."""
    return frozenset(token for recording in recordings if (token := recording.token) is not None)
