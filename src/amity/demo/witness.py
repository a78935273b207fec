"""What the archives' pass shows the servers' side of the world: trees, boosts and reactions.

The pass (``Conversations``) gives ids, times and words only to what the user's archive points
at. A ``Witness`` sees each reply tree whole as it is made, with the parts the pass fixed, and
completes it from streams of its own; it also sees every boost and every like or bookmark.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from amity.demo.items import Item, Ref
from amity.demo.text import Text
from amity.demo.threads import Shape
from amity.demo.world import Person


@dataclass(frozen=True, slots=True)
class Tree:
    """One reply tree as the pass made it.

    ``refs`` holds the nodes the archive needs (the root, her nodes and the posts she answers);
    ``liked`` the replies to her that she liked or bookmarked, as ``_answer`` made them (for a
    reply she also answered, that is a second reply beside it: the pass gives it its own id);
    ``asks`` whether each reply to her asks a question; ``items`` her items, her nodes first in
    node order, then her likes and bookmarks.
    """

    shape: Shape
    t0: int
    refs: dict[int, Ref]
    liked: dict[int, Ref]
    asks: dict[int, bool]
    items: list[Item]
    partner: Person
    kind: str
    visibility: str


class Witness(Protocol):
    """Whatever completes the world beyond the archives (the servers' writers)."""

    def tree(self, tree: Tree) -> None:
        """Take a reply tree as the pass made it."""

    def boost(self, item: Item) -> None:
        """Take one of her boosts (its target is a contact's post)."""

    def reaction(self, item: Item) -> None:
        """Take one of her likes or bookmarks."""


Words = Text[Person]
"""A post's words, with people for its mentions."""
