"""Write the demo's posts and messages from templates with many slots.

Templates (``templates.txt``) and the words that fill them (``words.txt``) ship as package data.
A filled template is a tuple of parts: plain strings and, where a template says ``{who}``, the
person mentioned there. Hashtags and a link travel beside the parts, so each platform writer can
render them its own way (HTML anchors for Mastodon, entities with indices for X).
"""

from __future__ import annotations

import random
import re
import string
from dataclasses import dataclass
from importlib import resources
from typing import Generic, TypeVar

M = TypeVar("M")
"""Whatever stands for a mentioned person (the demo passes its ``Person`` records)."""

_SECTION = re.compile(r"^\[([a-z_]+)\]$")
MENTION = "who"


@dataclass(slots=True)  # not frozen: made once per post, in the hot loop
class Text(Generic[M]):
    """A post's words: parts (strings and mentions), then hashtags and an optional link."""

    parts: tuple[str | M, ...]
    hashtags: tuple[str, ...] = ()
    link: str | None = None
    question: bool = False

    def plain(self, name: str = "someone") -> str:
        """Return the words as one string, with ``name`` standing in for every mention."""
        return "".join(part if isinstance(part, str) else name for part in self.parts)


def read_sections(name: str) -> dict[str, tuple[str, ...]]:
    """Read a package data file of ``[section]`` heads followed by one entry per line."""
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    text = resources.files("amity.demo").joinpath(name).read_text(encoding="utf-8")
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        head = _SECTION.match(line)
        if head:
            current = sections.setdefault(head.group(1), [])
        elif current is not None:
            current.append(line.rstrip())
    return {key: tuple(values) for key, values in sections.items()}


Template = tuple[tuple[str, ...], tuple[str, ...]]
"""A template split once: its literal pieces and the slot after each piece ('' after the last)."""


def compile_template(source: str) -> Template:
    """Split a template into literal pieces and slot names, so filling it needs no parsing."""
    literals: list[str] = []
    slots: list[str] = []
    for literal, field, _spec, _conv in string.Formatter().parse(source):
        literals.append(literal)
        slots.append(field or "")
    return tuple(literals), tuple(slots)


class TextMaker(Generic[M]):
    """Fill templates with words, deterministically from one ``random.Random``."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._words = read_sections("words.txt")
        self._templates = {
            key: tuple(compile_template(line) for line in lines)
            for key, lines in read_sections("templates.txt").items()
        }

    def words(self, section: str) -> tuple[str, ...]:
        """Return the words of one section of ``words.txt``."""
        return self._words[section]

    def word(self, section: str) -> str:
        """Return one word of a section, picked at random."""
        values = self._words[section]
        return values[int(self._rng.random() * len(values))]

    def fill(
        self, section: str, who: M | None = None, given: dict[str, str] | None = None
    ) -> tuple[str | M, ...]:
        """Fill one template of ``section``; mentions become ``who``, ``given`` fixes slots."""
        options = self._templates[section]
        literals, slots = options[int(self._rng.random() * len(options))]
        if who is None:
            return (self._join(literals, slots, given),)
        parts: list[str | M] = []
        start = 0
        for index, slot in enumerate(slots):
            if slot == MENTION:
                head = self._join(literals[start : index + 1], (*slots[start:index], ""), given)
                parts += [head, who] if head else [who]
                start = index + 1
        tail = self._join(literals[start:], slots[start:], given)
        return (*parts, tail) if tail else tuple(parts)

    def _join(
        self, literals: tuple[str, ...], slots: tuple[str, ...], given: dict[str, str] | None
    ) -> str:
        """Join literal pieces with a filled value for each slot."""
        pieces = []
        words = self._words
        draw = self._rng.random
        for literal, slot in zip(literals, slots, strict=True):
            pieces.append(literal)
            if not slot:
                continue
            values = words.get(slot)
            if values is not None and slot != "emoji":
                pieces.append(values[int(draw() * len(values))])
            elif given and slot in given:
                pieces.append(given[slot])
            else:
                pieces.append(self._slot(slot, given))
        return "".join(pieces)

    def _slot(self, slot: str, given: dict[str, str] | None) -> str:
        if slot == "emoji":
            return self.word(slot) if self._rng.random() >= 0.6 else ""
        if slot in (MENTION, "name"):
            return "friend"
        return self._join(*self._pick(slot), given)

    def _pick(self, section: str) -> Template:
        options = self._templates[section]
        return options[int(self._rng.random() * len(options))]

    def sentence(self, section: str) -> str:
        """Fill a template of ``section`` that has no mention, as a plain string."""
        return self._join(*self._pick(section), None)

    def make(
        self,
        section: str,
        *,
        who: M | None = None,
        hashtags: tuple[str, ...] = (),
        link: str | None = None,
        given: dict[str, str] | None = None,
    ) -> Text[M]:
        """Return a Text from one template of ``section``, marked as a question if it asks one."""
        parts = self.fill(section, who, given)
        first = parts[0] if parts else ""
        if isinstance(first, str) and first[:1].islower():
            parts = (first[0].upper() + first[1:], *parts[1:])
        question = any(isinstance(part, str) and "?" in part for part in parts)
        return Text(parts, hashtags, link, question)
