"""A message asks something of its reader: questions, requests and invitations, in three languages.

The unit cases are written for these tests. The evaluation runs on real replies, mentions and
messages from the corpus, labelled by hand before the detector was written; it reports message
ids, never their text.
"""

from __future__ import annotations

import json

import pytest
from tests.conftest import FIXTURES

from amity.insight.asks import HELP, INVITATION, OPINION, QUESTION, REQUEST, Asking, asks

LABELS = FIXTURES / "asks" / "labelled.jsonl"

ASKING = [
    # English
    ("en", "@ana do you have the slides from yesterday", QUESTION),
    ("en", "When can we expect the release?", QUESTION),
    ("en", "Could you help me with the SMTP settings?", HELP),
    ("en", "Thanks! Let me know when it's up.", REQUEST),
    ("en", "Would love your thoughts on the draft", OPINION),
    ("en", "Would be cool to hang out while you're in town!", INVITATION),
    ("en", "Please send me the link when you can", REQUEST),
    ("en", "Any advice for a first conference talk", HELP),
    # German
    ("de", "Hast du morgen Zeit", QUESTION),
    ("de", "Kannst du mir den Link schicken?", QUESTION),
    ("de", "Könntest du mir beim Umzug helfen", HELP),
    ("de", "Wie geht es dir", QUESTION),
    ("de", "Lust auf Kaffee am Samstag", INVITATION),
    ("de", "Sag Bescheid, wenn du da bist", REQUEST),
    ("de", "Schick mir bitte die Datei", REQUEST),
    ("de", "Was meinst du dazu", OPINION),
    ("de", "Weißt du, wann der Zug fährt", QUESTION),
    # Chinese
    ("zh", "你明天有空吗", QUESTION),
    ("zh", "你在哪里？", QUESTION),
    ("zh", "这个周末你要不要一起去爬山", INVITATION),
    ("zh", "你是不是已经到了", QUESTION),
    ("zh", "请把文件发给我", REQUEST),
    ("zh", "你觉得这个方案怎么样", OPINION),
    ("zh", "能帮我看一下这段代码吗", HELP),
    ("zh", "我们周六一起吃饭吧", INVITATION),
    ("zh", "你有没有看过这部电影", QUESTION),
    ("zh-Hant", "你今天會來嗎", QUESTION),
]

NOT_ASKING = [
    # English
    ("en", "Thanks, that worked!"),
    ("en", "Here is the search: https://example.org/search?q=mastodon&page=2"),
    ("en", 'She kept asking "are you coming?" all night.'),
    ("en", "> Are you coming tonight?\nNo, I went home early."),
    ("en", "Does anyone know a good bakery in Leipzig?"),
    ("en", "Why do people still use fax machines?"),
    ("en", "Translate posts?? Yes please!"),
    ("en", "Really?"),
    ("en", "Run `curl example.org/a?b=c` to see it"),
    ("en", "#CanYouNot thanks for the talk, cc @doyou @are@you.social"),
    ("en", "If you have any questions, please don't hesitate to get in touch."),
    # German
    ("de", "Danke dir, hat geklappt!"),
    ("de", "Frage an meine Community: was würdet ihr machen?"),
    ("de", "Folgt ihr schon alle dem Ministerium?"),
    ("de", "schwör?"),
    ("de", "Ich war nicht da, wo ich hin wollte."),
    ("de", "Er sagte: „Kommst du morgen?“ und ging."),
    # Chinese
    ("zh", "今天天气很好。"),
    ("zh", "谢谢，已经收到了"),
    ("zh", "我已经申请了那个职位"),
    ("zh", "大家觉得呢？"),
    ("zh", "他问「你来吗？」我没回答"),
]


@pytest.mark.parametrize(("language", "text", "why"), ASKING)
def test_asks(language: str, text: str, why: str) -> None:
    assert asks(text, language) == Asking(asks=True, why=why)


@pytest.mark.parametrize(("language", "text"), NOT_ASKING)
def test_does_not_ask(language: str, text: str) -> None:
    assert not asks(text, language).asks


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("Hast du Lust auf Kino?", INVITATION),
        ("你明天有空吗", QUESTION),
        ("Can you check it?", QUESTION),
    ],
)
def test_without_a_language_all_three_are_tried(text: str, why: str) -> None:
    assert asks(text, None).why == why


def test_chinese_is_read_whatever_the_tag() -> None:
    assert asks("Hi! 请告诉我下一步", "en").asks


def test_the_language_tag_may_carry_a_region() -> None:
    assert asks("Kommst du mit", "de-AT").asks


def _labelled(split: str) -> list[dict[str, object]]:
    rows = [json.loads(line) for line in LABELS.read_text(encoding="utf-8").splitlines() if line]
    return [row for row in rows if row["split"] == split]


def test_the_labels_are_real_and_split_once() -> None:
    rows = _labelled("tune") + _labelled("test")
    languages = {str(row["language"]) for row in rows}
    assert len(rows) >= 200
    assert {"en", "de", "zh"} <= languages
    assert len({(row["source"], row["id"]) for row in rows}) == len(rows)


def test_precision_and_recall_on_the_held_out_half() -> None:
    rows = _labelled("test")
    found = {
        (str(row["source"]), str(row["id"]))
        for row in rows
        if asks(str(row["text"]), str(row["language"])).asks
    }
    truth = {(str(row["source"]), str(row["id"])) for row in rows if row["asks"]}
    precision = len(found & truth) / len(found)
    recall = len(found & truth) / len(truth)
    assert precision >= 0.85, f"precision {precision:.3f}; false alarms: {sorted(found - truth)}"
    assert recall >= 0.85, f"recall {recall:.3f}; missed: {sorted(truth - found)}"
