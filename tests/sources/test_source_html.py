"""Post HTML: plain text, links, and sanitising, including the fast path for Mastodon's markup."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from amity.sources.html import extract_links, html_to_text, read_post_html, sanitize_html

DEALINGWITH = Path(__file__).parent.parent / "fixtures" / "mastodon" / "dealingwith.zip"
UNSAFE_TAG = re.compile(
    r"<\s*(?:script|style|iframe|img|object|embed|form|svg)|\son\w+\s*=|javascript:", re.I
)
TAG = re.compile(r"<[^>]*>")


def is_safe(html: str) -> bool:
    """Return True when no tag of ``html`` can run code or load anything."""
    return not any(UNSAFE_TAG.search(tag) for tag in TAG.findall(html))


MASTODON_POST = (
    '<p><span class="h-card" translate="no"><a href="https://other.example/@bob" '
    'class="u-url mention">@<span>bob</span></a></span> look: '
    '<a href="https://example.org/a?b=1&amp;c=2" '
    'target="_blank" rel="nofollow noopener noreferrer" translate="no">'
    '<span class="invisible">https://</span><span class="ellipsis">example.org/a</span>'
    '<span class="invisible">?b=1&amp;c=2</span></a></p><p>It&#39;s &quot;good&quot;<br />'
    '<a href="https://example.social/tags/tea" class="mention hashtag" rel="tag">'
    "#<span>tea</span></a></p>"
)


def test_mastodon_markup_is_kept_as_it_is() -> None:
    assert sanitize_html(MASTODON_POST) == MASTODON_POST
    parts = read_post_html(MASTODON_POST)
    assert parts.html == MASTODON_POST
    assert parts.text == '@bob look: https://example.org/a?b=1&c=2\n\nIt\'s "good"\n#tea'
    assert parts.links == ("https://example.org/a?b=1&c=2",)


def test_scripts_handlers_and_foreign_schemes_are_removed() -> None:
    dirty = (
        '<p onclick="x()">hi <a href="javascript:alert(1)">a</a> <a href="https://ok.example/" '
        'onmouseover="x()">b</a></p><script>alert(1)</script><iframe src="https://x"></iframe>'
        '<img src=x onerror="alert(1)"><style>p{}</style>'
    )
    clean = sanitize_html(dirty)
    assert is_safe(clean)
    assert 'href="https://ok.example/"' in clean
    assert read_post_html(dirty).html == clean


def test_unbalanced_markup_is_closed() -> None:
    clean = sanitize_html('<p><a href="https://example.org/">open')
    assert clean.count("<a ") == clean.count("</a>") == 1
    assert clean.count("<p>") == clean.count("</p>") == 1


def test_near_misses_of_the_mastodon_shape_go_through_nh3() -> None:
    for almost in (
        '<p><a href="https://x.example" class="mention evil">x</a></p>',
        '<p><a href="//x.example">x</a></p>',
        '<p><a href="https://x.example" style="color:red">x</a></p>',
        "<P>shout</P>",
        "<p>unclosed",
    ):
        assert sanitize_html(almost) != almost


def test_text_from_general_html() -> None:
    html = "<div><h1>Title</h1><ul><li>one</li><li>two &amp; three</li></ul><p>x<br/>y</p></div>"
    assert html_to_text(html) == "Title\n\none\ntwo & three\n\nx\ny"
    assert html_to_text("<p>a</p>\n<p>b</p><script>var s = 1;</script>") == "a\n\nb"
    assert html_to_text("plain &lt;text&gt; &nbsp;") == "plain <text>"


def test_links_skip_mentions_hashtags_and_non_web() -> None:
    html = (
        "<a href='https://one.example/'>1</a> <A HREF=\"https://two.example/?a=1&amp;b=2\">2</A>"
        '<a href="mailto:x@example.org">m</a><a href="https://one.example/">again</a>'
        '<a href="https://tag.example/tags/x">#x</a><a class="u-url mention" href="https://m/@y">@y</a>'
    )
    assert extract_links(html, skip={"https://tag.example/tags/x"}) == (
        "https://one.example/",
        "https://two.example/?a=1&b=2",
    )
    assert extract_links("no links here") == ()


def test_fast_path_matches_the_general_path_on_real_posts() -> None:
    with zipfile.ZipFile(DEALINGWITH) as bundle:
        items = json.loads(bundle.read("dealingwith/outbox.json"))["orderedItems"]
    contents = [item["object"]["content"] for item in items if item["type"] == "Create"]
    assert len(contents) > 1000
    for content in contents:
        parts = read_post_html(content)
        same = (parts.text, parts.links) == (html_to_text(content), extract_links(content))
        assert same  # compared as a boolean so that no post text is printed
        assert parts.html == content


TOKENS = st.sampled_from(
    [
        "<p>",
        "</p>",
        "<br>",
        "<br />",
        "<span>",
        "</span>",
        '<span class="invisible">',
        "</a>",
        '<a href="https://ok.example/">',
        '<a href="javascript:alert(1)">',
        "<script>",
        "</script>",
        '<a href="https://x" onclick="y">',
        "<img src=x onerror=alert(1)>",
        "<style>",
        '"',
        "'",
        "<!--",
        "-->",
        "<",
        ">",
        "&amp;",
        "&#39;",
        "text",
        " ",
        "<svg onload=alert(1)>",
        "</",
        '<a href="https://ok.example/" class="mention">',
        "<iframe>",
        "=",
        "\n",
    ]
)


@given(st.lists(TOKENS, max_size=30))
def test_whatever_the_markup_the_output_is_safe(tokens: list[str]) -> None:
    html = "".join(tokens)
    parts = read_post_html(html)
    assert is_safe(parts.html)
    assert parts.html == sanitize_html(html)
    assert all(link.startswith(("https://", "http://")) for link in parts.links)
