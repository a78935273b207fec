"""The evidence that two accounts on different networks are one person, each item in words.

Each item has a weight: roughly how sure that fact alone makes one, if nothing spoke against it.
Items combine as independent clues, ``1 - (1 - w1)(1 - w2)...``, and evidence against (a negative
weight) then scales the result down. The weights, and why:

- A profile points at the other (its bio or website links to it, or says "also at @ana@host"):
  0.9. People link their own other accounts; a bio linking someone else's profile (a partner's,
  a collective's) is rarer, but happens.
- The same avatar address: 0.8. A network's default picture never counts.
- The same website, host and path: 0.7. A personal site is personal; a company's is shared by
  colleagues. The front page of a big site (``github.com``) never counts. A bio linking the
  other's website: 0.55, as a bio also links friends' sites.
- The same handle: 0.6 when six characters or longer, 0.35 when shorter (many want ``ana``);
  handles equal but for ``_``, ``.`` and ``-``: 0.5 and 0.3.
- The same bio, word for word (four words or more; case and punctuation aside): 0.5. People copy
  their bio from one network to the next, but a bio made of stock phrases ("Illustrator. Slow
  replies, kind words.") can be anyone's, so alone it stays below the default threshold.
- A handle that spells the other's display name in full (``anaruiz``, ``ruizana`` for "Ana Ruiz"):
  0.4. Every Ana Ruiz might choose it, so alone it stays below the default threshold. It does not
  count when the handle's own account shows that name too: then it says nothing the same name
  does not (and counting it twice is exactly how two namesakes would pass).
- The same handle, spelling a display name in full: a further 0.25 (0.7 with the handle). To be
  shared by chance, such a handle needs a namesake who spelled their name the same way; a handle
  made of words (``gardendima``) only needs someone fond of the same words.
- The same display name: 0.4 for a name of two words or more, 0.2 for one word. A display name
  alone is weak: unrelated people share names (the demo world has two such pairs, on purpose),
  so on its own it stays below the default threshold of ``amity.insight.identity``.
- The same name, and both handles built on one word of it (``edda_paper`` and ``edda_pereira``
  for "Edda Pereira"): a further 0.35 (0.61 with the name). Two handles a person made from their
  own name agree with it and with each other; a namesake's handle on the other network, made from
  nothing of the name, leaves the pair at the name alone. Where one name is a short form of the
  other ("Zeno" and "Zeno Park"), the words of the short form count.
- Display names that disagree (no word in common, or two full names that differ, "Dima Tran" and
  "Dima Bello"): against, the score times 0.65. A short form ("Dima", "Dima T.") agrees.

A handle, name or bio that several accounts on one network have says less about any one pair:
its weight is divided by the most accounts on any one network that have it (at least that many
people use it). One account on each of three networks is one each, and counts in full.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from amity.insight.profile import Profile

LINK = 0.9
SAME_AVATAR = 0.8
SAME_WEBSITE = 0.7
LINKS_WEBSITE = 0.55
SAME_HANDLE = 0.6
SAME_SHORT_HANDLE = 0.35
ALIKE_HANDLE = 0.5
ALIKE_SHORT_HANDLE = 0.3
LONG_HANDLE = 6
SAME_BIO = 0.5
NAME_HANDLE = 0.4
NAME_SHAPED_HANDLE = 0.25
SAME_NAME = 0.4
SAME_ONE_WORD_NAME = 0.2
NAME_IN_HANDLES = 0.35
NAME_WORD = 3
"""The shortest word of a name that counts when found in both handles (``bo`` is in too many)."""
DIFFERENT_NAMES = -0.35


@dataclass(frozen=True, slots=True)
class Evidence:
    """One fact about two accounts, in words, and how much it counts (negative: against)."""

    kind: str
    text: str
    weight: float


def collect_evidence(left: Profile, right: Profile, counts: Mapping[str, int]) -> list[Evidence]:
    """Return what suggests, or contradicts, that ``left`` and ``right`` are one person.

    ``counts`` says, for each handle (``h:`` + its letters), folded display name (``n:`` + the
    name) and folded bio (``b:`` + the bio), the most accounts on any one network that have it.
    """
    found = [*_links(left, right), *_links(right, left)]
    found += _same_website(left, right) + _same_avatar(left, right) + _same_bio(left, right, counts)
    handles = _handles(left, right, counts)
    found += handles + _name_handles(left, right, counts, same_handle=bool(handles))
    return found + _names(left, right, counts)


def combine(evidence: Iterable[Evidence]) -> float:
    """Return the score of the evidence: independent clues for, scaled by those against."""
    doubt, against = 1.0, 1.0
    for item in evidence:
        if item.weight >= 0:
            doubt *= 1.0 - item.weight
        else:
            against *= 1.0 + item.weight
    return round((1.0 - doubt) * against, 3)


def _links(source: Profile, target: Profile) -> list[Evidence]:
    """Return the links from ``source``'s bio and website to ``target``'s profile or website."""
    found, seen = [], set()
    for link in source.links:
        if link.key in seen:
            continue
        seen.add(link.key)
        if link.key in target.keys:
            found.append(Evidence("link", f"{source.network} {link.said}", LINK))
        elif link.key == target.website and link.key != source.website:
            text = f"{source.network} {link.said}, the {target.network} website"
            found.append(Evidence("links_website", text, LINKS_WEBSITE))
    return found


def _same_website(left: Profile, right: Profile) -> list[Evidence]:
    if not left.website or left.website != right.website:
        return []
    return [Evidence("website", f"same website {left.website.removeprefix('web:')}", SAME_WEBSITE)]


def _same_avatar(left: Profile, right: Profile) -> list[Evidence]:
    if not left.avatar or left.avatar != right.avatar:
        return []
    return [Evidence("avatar", "same avatar image", SAME_AVATAR)]


def _same_bio(left: Profile, right: Profile, counts: Mapping[str, int]) -> list[Evidence]:
    if not left.bio or left.bio != right.bio:
        return []
    text = f"same bio '{_shortened(left.account.bio or left.bio)}'"
    return [_ambiguous(Evidence("bio", text, SAME_BIO), counts.get(f"b:{left.bio}", 1))]


def _handles(left: Profile, right: Profile, counts: Mapping[str, int]) -> list[Evidence]:
    """Return the evidence of equal handles, or handles equal but for punctuation."""
    letters = left.handle_letters
    if not letters or letters != right.handle_letters:
        return []
    long = len(letters) >= LONG_HANDLE
    if left.handle == right.handle:
        text = f"same handle '{left.handle}' on both"
        weight = SAME_HANDLE if long else SAME_SHORT_HANDLE
    else:
        text = f"handles '{left.handle}' and '{right.handle}' differ only in punctuation"
        weight = ALIKE_HANDLE if long else ALIKE_SHORT_HANDLE
    return [_ambiguous(Evidence("handle", text, weight), counts.get(f"h:{letters}", 1))]


def _name_handles(
    left: Profile, right: Profile, counts: Mapping[str, int], *, same_handle: bool
) -> list[Evidence]:
    """Return the evidence of one account's handle spelling the other's display name in full."""
    found = _spelled(left, right)
    if found is None:
        return []
    named, other = found
    name = f"the {named.network} display name '{named.account.display_name}'"
    if same_handle:
        handle = "the handle spells" if named.handle == other.handle else "both handles spell"
        evidence = Evidence("name_shaped_handle", f"{handle} {name}", NAME_SHAPED_HANDLE)
    elif other.name == named.name:
        return []  # the handle spells its own account's name: the same name says it already
    else:
        text = f"{other.network} handle '{other.handle}' spells {name}"
        evidence = Evidence("name_handle", text, NAME_HANDLE)
    sharing = max(counts.get(f"n:{named.name}", 1), counts.get(f"h:{other.handle_letters}", 1))
    return [_ambiguous(evidence, sharing)]


def _spelled(left: Profile, right: Profile) -> tuple[Profile, Profile] | None:
    """Return (named, other) where ``other``'s handle spells ``named``'s display name."""
    for named, other in ((left, right), (right, left)):
        if named.name and other.handle_letters and other.handle_letters in named.name_handles:
            return named, other
    return None


def _names(left: Profile, right: Profile, counts: Mapping[str, int]) -> list[Evidence]:
    """Return the evidence of equal display names, or of two names that disagree."""
    if not left.name or not right.name:
        return []
    shown = (left.account.display_name, right.account.display_name)
    sharing = counts.get(f"n:{left.name}", 1)
    if left.name == right.name:
        text = f"same display name '{shown[0]}'"
        if shown[0] != shown[1]:
            text = f"display names '{shown[0]}' and '{shown[1]}' are the same name"
        weight = SAME_NAME if " " in left.name else SAME_ONE_WORD_NAME
        same = _ambiguous(Evidence("name", text, weight), sharing)
        return [same, *_name_in_handles(left, right, left.name, sharing)]
    short = min(left.name, right.name, key=len)
    if _agree(left.name.split(), right.name.split()):
        return _name_in_handles(left, right, short, counts.get(f"n:{short}", 1))
    text = f"different display names '{shown[0]}' and '{shown[1]}'"
    return [Evidence("different_names", text, DIFFERENT_NAMES)]


def _name_in_handles(left: Profile, right: Profile, name: str, sharing: int) -> list[Evidence]:
    """Return the evidence of two different handles built on one word of ``name``.

    ``name`` is the display name both show, or the shorter where one is a short form of the
    other ("Zeno" and "Zeno Park").
    """
    first, second = left.handle_letters, right.handle_letters
    if not first or not second or first == second:
        return []
    words = name.split()
    shared = sorted(w for w in words if len(w) >= NAME_WORD and w in first and w in second)
    if not shared:
        return []
    text = f"handles '{left.handle}' and '{right.handle}' both hold '{shared[0]}' of the name"
    return [_ambiguous(Evidence("name_in_handles", text, NAME_IN_HANDLES), sharing)]


def _agree(first: list[str], second: list[str]) -> bool:
    """Return whether two folded names can be one person's: one is the other, or a short form.

    Each word of one name must be a word of the other, or its initial ("Ana R.", "Ana").
    """
    return _within(first, second) or _within(second, first)


def _within(short: list[str], long: list[str]) -> bool:
    """Return whether each word of ``short`` is a word of ``long``, or the initial of one."""
    return all(
        any(w == word or (len(w) == 1 and word.startswith(w)) for word in long) for w in short
    )


def _ambiguous(evidence: Evidence, sharing: int) -> Evidence:
    """Scale down evidence whose handle, name or bio several accounts on one network have."""
    if sharing <= 1:
        return evidence
    text = f"{evidence.text}, as have {sharing} accounts on one network"
    return replace(evidence, text=text, weight=round(evidence.weight / sharing, 3))


def _shortened(text: str, limit: int = 60) -> str:
    """Return ``text`` on one line, cut at ``limit`` characters with an ellipsis."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"
