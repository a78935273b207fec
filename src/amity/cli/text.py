"""Text from the network, made safe to print: no escape sequences, no control characters.

Anyone the user talks with writes their own name, handle and posts; printed raw, a name could set
the window title, clear the screen, hide a link or swallow the rest of the output. ``shown``
removes escape sequences, replaces other control characters with a visible mark, drops
bidirectional overrides and zero-width characters, and escapes Rich markup.
"""

from __future__ import annotations

import re

from rich.markup import escape

_ESCAPE_SEQUENCE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor moves, clear screen
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\|$)"  # OSC: window titles, hyperlinks (even unterminated)
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\|$)"  # DCS, SOS, PM, APC strings
    r"|\x1b.?"  # any other escape
    r"|\x9b[0-?]*[ -/]*[@-~]|\x9d[^\x07\x9c]*(?:\x07|\x9c|$)"  # their one-byte C1 forms
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
MARK = "\ufffd"


def plain(text: str | None) -> str:
    """Return ``text`` without escape sequences, control or invisible directional characters."""
    if not text:
        return ""
    cleaned = _ESCAPE_SEQUENCE.sub("", text)
    cleaned = _CONTROL.sub(MARK, cleaned)
    return _INVISIBLE.sub("", cleaned)


def shown(text: str | None) -> str:
    """Return ``text`` safe for a Rich console: plain, with its markup escaped."""
    return escape(plain(text))
