"""Whether a message asks something of the person it is addressed to, in English, German, Chinese.

A message *asks* when it puts a question to its reader, asks them for help, an opinion or an
answer, asks them to do something, or invites them. It does not ask when its only question is
quoted, sits in a URL, code, a mention or a hashtag, is put to the world at large ("does anyone
know…", "Frage an meine Community", "habt ihr…"), or is a reaction ("schwör?", "Really?").

The rules are word patterns per language, read clause by clause; measured on real, hand-labelled
replies and messages in ``tests/fixtures/asks/labelled.jsonl`` (see ``docs/evaluation.md``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

QUESTION = "asks you something"
HELP = "asks for your help"
OPINION = "asks what you think"
REQUEST = "asks you to do something"
INVITATION = "invites you"

_WHY_ORDER = (HELP, OPINION, INVITATION, REQUEST, QUESTION)


@dataclass(frozen=True, slots=True)
class Asking:
    """Whether a message asks something of its reader, and the words that say what."""

    asks: bool
    why: str = ""


NOT_ASKING = Asking(asks=False)

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")

# What is not the writer speaking to the reader: stripped before any rule looks at the text.
_NOISE = (
    re.compile(r"```.*?```|`[^`\n]*`", re.S),  # code
    re.compile(r"^\s*>.*$", re.M),  # quoted lines
    re.compile(
        r"\"[^\"\n]*\"|“[^”\n]*”|„[^“”\n]*[“”]|«[^»\n]*»|「[^」\n]*」|『[^』\n]*』"
    ),  # quotes
    re.compile(r"\b(?:https?://|www\.)\S+|\b[\w-]+(?:\.[\w-]+)+/\S*", re.I),  # URLs
    re.compile(r"(?<![\w@])@[\w.]+(?:@[\w.-]+)?"),  # mentions, also @user@host
    re.compile(r"(?<![\w#])#\w+"),  # hashtags
    re.compile(r"\([^()\n]{0,40}\)"),  # short asides: "(fortunately?)"
)

_CLAUSE = re.compile(r"[^.!?。！？…\n]*(?:[.!?。！？…]+|\n|$)")


def _clean(text: str) -> str:
    for pattern in _NOISE:
        text = pattern.sub(" ", text)
    return text.replace("？", "?").replace("！", "!")


def _clauses(text: str) -> list[str]:
    return [c.strip() for c in _CLAUSE.findall(text) if c.strip(" \t.!?。！？…")]


def _rule(why: str, *alternatives: str) -> tuple[str, re.Pattern[str]]:
    return why, re.compile("|".join(alternatives), re.I)


Rules = tuple[tuple[str, re.Pattern[str]], ...]

_ENGLISH: Rules = (
    _rule(
        HELP,
        r"\b(can|could|would) you\b.*\bhelp\b|\bhelp me\b|\bany (advice|insights?|tips|pointers)\b",
    ),
    _rule(
        HELP,
        r"\b(appreciat\w*|thank you for|grateful for|love) (any|your) (advice|insights?|tips|help)"
        r"\b",
    ),
    _rule(OPINION, r"\bwhat do you think\b|\byour (thoughts|opinion|take|feedback)\b|^thoughts\?"),
    _rule(INVITATION, r"\b(would|'d) (be|love) (cool|great|awesome|nice|fun) to (hang|meet|catch)"),
    _rule(INVITATION, r"\blet'?s (connect|meet|talk|chat|grab|catch up|hang)\b"),
    _rule(
        INVITATION,
        r"\b(would|will) you (be )?(join|come)\b|\b(would you|are you) (be )?(free|interested)\b",
    ),
    _rule(INVITATION, r"\bif you would be interested\b|\bwant to (join|come)\b"),
    _rule(REQUEST, r"\b(let me know|get back to me|tell me|dm me|ping me|reach out to me)\b"),
    _rule(REQUEST, r"\bwould be (awesome|great|cool|nice|lovely) if you (could|would)\b"),
    _rule(REQUEST, r"^(please|pls|plz)\b|\bplease (?!don'?t hesitate)\w+|\bmy (\w+ )?request is\b"),
    _rule(REQUEST, r"\b(give me|gimme|gimmy) a (follow|call|ring|shout)\b|\bfollow me\b"),
    _rule(REQUEST, r"\b(i'?d|i would) (love|like) to (arrange|schedule|book|set up|have a)\b"),
    _rule(REQUEST, r"\b(look(ing)? forward to|hope to hear) (your|hearing from you)\b"),
    _rule(REQUEST, r"\bcan you provide\b|\bcould you (please )?(send|share|check|look)\b"),
    _rule(QUESTION, r"^(do|does|did|can|could|would|will|are|were|have|has|is|should) you\b"),
)

_GERMAN_VERBS = (
    r"hast|bist|kannst|könntest|willst|magst|möchtest|weißt|weisst|warst|hattest|gehst|kommst|"
    r"machst|würdest|wärst|hättest|sollst|musst|darfst|siehst|meinst|findest|denkst|glaubst|"
    r"kennst|brauchst|wohnst|arbeitest|hörst|spielst|liest|schaust|hilfst"
)
_GERMAN_W = (
    r"was|wie|wo|wann|warum|wieso|weshalb|weswegen|wer|wen|wem|welche\w*|woher|wohin|womit|wozu"
)

_GERMAN: Rules = (
    _rule(
        HELP,
        r"\b(kannst|könntest|würdest) du mir\b.*\bhelfen\b",
        r"\bhilf mir\b|\bbrauche (deine|eure) hilfe\b",
    ),
    _rule(OPINION, r"\bwas (meinst|denkst|hältst|sagst) du\b|\bdeine meinung\b"),
    _rule(
        INVITATION,
        r"\b(hast du |habt ihr )?lust auf\b|\blust,? (mit|zu)\b",
        r"\b(lass|lasst) uns\b|\bwollen wir\b",
    ),
    _rule(
        REQUEST,
        r"\b(sag|gib) (mir )?bescheid\b|\bmeld(e)? dich\b|\bschreib mir\b|\bruf (mich )?an\b",
    ),
    _rule(REQUEST, r"\bbitte\b(?! schön| sehr| gerne?)|\bfrag mal\b"),
    _rule(QUESTION, rf"(^|\s)({_GERMAN_VERBS}) du\b"),
    _rule(QUESTION, rf"(^|\s)({_GERMAN_W}) \w+(st|t|ts|en|e) (\w+ )?(du|dir|dich)\b"),
    _rule(QUESTION, rf"(^|\s)({_GERMAN_W}) (soll|sollen|kann|können|darf|muss) (ich|wir)\b"),
    _rule(QUESTION, r"^(kannst|könntest|würdest|könnten|würden|haben|sind) (du|sie)\b"),
)

_CHINESE_WH = r"(什么|什麼|怎么|怎麼|为什么|為什麼|哪|谁|誰|几|幾|多少)"
_CHINESE_A_NOT_A = (
    r"是不是|有没有|有沒有|能不能|可不可以|会不会|會不會",
    r"对不对|對不對|好不好|行不行|想不想|是否",
)

_CHINESE: Rules = (
    _rule(HELP, r"(帮|幫)(我|忙)|求助"),
    _rule(OPINION, r"(你|您)(觉得|覺得|认为|認為|怎么看|怎麼看)|意见|意見"),
    _rule(INVITATION, r"(一起|我们|我們|咱们|咱們).*吧|要不要"),
    # 请 but not 申请 (apply), 聘请 (hire), 宴请 (host a dinner), 请假 (take leave)
    _rule(REQUEST, r"(?<![申聘宴])(请|請)(?!假)", r"麻烦(您|你)|麻煩(您|你)|告诉我|告訴我|告知"),
    _rule(REQUEST, r"期待(您|你)的(回复|回覆)"),
    _rule(QUESTION, r"[吗嗎么麼呢]\s*[?!。，,]?\s*$"),
    _rule(QUESTION, _CHINESE_WH + r".*(你|您)", r"(你|您).*" + _CHINESE_WH),
    _rule(QUESTION, *_CHINESE_A_NOT_A),
)

_RULES: dict[str, Rules] = {"en": _ENGLISH, "de": _GERMAN, "zh": _CHINESE}

# A question put to everybody rather than to the reader.
_TO_THE_WORLD = re.compile(
    r"\b(any ?one|any ?body|every ?one|every ?body|some ?one|some ?body|y'all|folks)\b"
    r"|\bfrage an\b|\b(seid ehrlich|jemand|irgendwer|irgendjemand|alle)\b"
    r"|\b(habt|seid|folgt|kennt|wisst|würdet|wollt|bin|findet) ihr\b|\bfür euch\b|\beurer?\b"
    r"|\b(why|how) (do|does|did|are|is|can|would) (people|folks|so many)\b"
    r"|大家|各位",
    re.I,
)
# The writer wondering aloud about themself.
_HEDGED = re.compile(r"\b(i guess|i suppose|ich glaube|ich denke|我猜)\b", re.I)
_YOU = re.compile(r"\b(you|your|du|dir|dich|dein\w*|sie|ihnen)\b|你|您", re.I)
# Bare reactions that end in "?" without asking anything.
_REACTION = re.compile(
    r"^(really|seriously|srsly|what|huh|wtf|why not|schwör|echt|wirklich|ernsthaft|ja|nein|oder|ne|"
    r"yes|no|ok|okay)\W*$",
    re.I,
)
_EXCLAIMED = re.compile(r"\?\?+")


def asks(text: str, language: str | None = None) -> Asking:
    """Decide whether ``text`` asks something of the person it is addressed to, and say what.

    ``language`` is the post's language tag ("en", "de-AT", "zh-Hant"); without one, or for
    another language, the English and the German rules are both tried. The Chinese rules run on
    any text with Chinese characters in it, whatever its tag.
    """
    clean = _clean(text)
    rule_sets = _rules_for(clean, language)
    whys = {why for clause in _clauses(clean) for why in _clause_whys(clause, rule_sets)}
    for why in _WHY_ORDER:
        if why in whys:
            return Asking(asks=True, why=why)
    return NOT_ASKING


def _rules_for(text: str, language: str | None) -> list[Rules]:
    primary = (language or "").split("-")[0].split("_")[0].lower()
    if primary in ("en", "de"):
        chosen = [_RULES[primary]]
    elif primary == "zh":
        chosen = [_CHINESE, _ENGLISH]
    else:
        chosen = [_ENGLISH, _GERMAN]
    if _CJK.search(text) and _CHINESE not in chosen:
        chosen.append(_CHINESE)
    return chosen


def _clause_whys(clause: str, rule_sets: list[Rules]) -> list[str]:
    if _TO_THE_WORLD.search(clause):
        return []
    whys = [why for rules in rule_sets for why, pattern in rules if pattern.search(clause)]
    if _is_question(clause):
        whys.append(QUESTION)
    return whys


def _is_question(clause: str) -> bool:
    if not clause.rstrip().endswith("?"):
        return False
    words = clause.rstrip(" ?").split()
    if not words or _REACTION.match(" ".join(words)):
        return False
    if _HEDGED.search(clause) and not _YOU.search(clause):
        return False
    return not (_EXCLAIMED.search(clause) and len(words) <= 3)
