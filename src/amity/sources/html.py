"""Turn the HTML of posts and profiles into plain text, links and safe markup, fast.

Archives hold millions of small HTML fragments, so every function here is a handful of compiled
regular expressions and ``str`` methods: no DOM, no ``html.parser``. Sanitising goes through nh3
(ammonia); fragments that already have the exact shape Mastodon's own sanitiser writes skip it,
because a full HTML5 parse costs ten times more than everything else done to a post.
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterable
from html import unescape
from typing import NamedTuple

import nh3

# -- sanitising ---------------------------------------------------------------------------------

_CLASSES = (
    "mention",
    "hashtag",
    "u-url",
    "h-card",
    "invisible",
    "ellipsis",
    "status-link",
    "unhandled-link",
    "quote-inline",
)
"""The classes Mastodon puts on links and spans; they shorten long URLs and mark mentions."""

_TAGS = {"p", "br", "span", "a", "del", "pre", "blockquote", "code", "b", "strong", "u", "i"}
_TAGS |= {"em", "ul", "ol", "li", "s", "sub", "sup"}

_CLEANER = nh3.Cleaner(
    tags=_TAGS,
    attributes={"a": {"href"}, "ol": {"start", "reversed"}, "li": {"value"}},
    tag_attribute_values={
        "a": {"target": {"_blank"}, "translate": {"no"}},
        "span": {"translate": {"no"}},
    },
    allowed_classes={"a": set(_CLASSES), "span": set(_CLASSES), "p": {"quote-inline"}},
    link_rel="nofollow noopener noreferrer",
    url_schemes={"http", "https", "mailto"},
)


def _mastodon_shape() -> re.Pattern[str]:
    """Compile the grammar of the fragments Mastodon itself writes, and nothing more.

    Only ``<p>``, ``<br>``, ``<span>`` and ``<a>`` in their Mastodon nesting, attributes from a
    fixed list with quoted values, and ``href`` starting with a literal http(s) scheme. A fragment
    that matches is balanced and safe as it is; anything else goes to nh3. Possessive
    quantifiers keep matching linear.
    """
    cls = "(?:" + "|".join(_CLASSES) + ")"
    class_attr = f'class="(?:{cls}(?: {cls})*+)?"'
    link_attrs = (
        f'(?: (?:href="https?://[^"<>\\s]*+"|{class_attr}|rel="[a-z ]*+"'
        '|target="_blank"|translate="no"))*+'
    )
    span_open = f'<span(?: {class_attr})?(?: translate="no")?>'
    span_text = span_open + "[^<]*+</span>"
    link = f"<a{link_attrs}>(?:[^<]++|{span_text})*+</a>"
    span = f"{span_open}(?:[^<]++|{link}|{span_text})*+</span>"
    inline = f"(?:[^<]++|<br(?: ?/)?>|{link}|{span})*+"
    return re.compile(f"(?:<p>{inline}</p>)*+{inline}")


_MASTODON_SHAPE = _mastodon_shape()


def sanitize_html(html: str) -> str:
    """Return ``html`` with everything unsafe removed (scripts, handlers, foreign schemes)."""
    if _MASTODON_SHAPE.fullmatch(html):
        return html
    cleaned: str = _CLEANER.clean(html)
    return cleaned


# -- plain text ---------------------------------------------------------------------------------

_LINE_BREAK = re.compile(r"<br\s*/?>|</li\s*>", re.IGNORECASE)
_PARAGRAPH_END = re.compile(r"</(?:p|div|blockquote|pre|h[1-6]|ul|ol)\s*>", re.IGNORECASE)
_DROPPED = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]*>")
_BLANK_LINES = re.compile(r"\n{3,}")


def html_to_text(html: str) -> str:
    """Return the plain text of an HTML fragment: paragraphs and breaks become newlines."""
    if "<" not in html:
        return _unescape(html).strip()
    text = _LINE_BREAK.sub("\n", html.replace("</p><p>", "\n\n"))
    text = _PARAGRAPH_END.sub("\n\n", text)
    if "</" in text:
        text = _DROPPED.sub("", text)
    text = _TAG.sub("", text)
    if "\n\n\n" in text:
        text = _BLANK_LINES.sub("\n\n", text)
    return _unescape(text).strip()


def _mastodon_text(html: str) -> str:
    """Return the text of a fragment in Mastodon's shape, where breaks take only these forms."""
    text = html.replace("</p><p>", "\n\n").replace("<br>", "\n").replace("<br />", "\n")
    if "<br/>" in text:
        text = text.replace("<br/>", "\n")
    # Posts without links or mentions are left with one <p>...</p> around them: slice it off.
    if text.startswith("<p>") and text.find("<", 3) == len(text) - 4:
        text = text[3:-4]
    elif "<" in text:
        text = _TAG.sub("", text)
    return _unescape(text).strip()


def _unescape(text: str) -> str:
    """Return ``text`` with character references replaced, the common ones without a regex."""
    if "&" not in text:
        return text
    quick = text.replace("&#39;", "'").replace("&quot;", '"')
    if "&" not in quick:
        return quick
    quick = quick.replace("&lt;", "<").replace("&gt;", ">")
    if quick.count("&") == quick.count("&amp;"):
        return quick.replace("&amp;", "&")
    return unescape(text)


# -- links --------------------------------------------------------------------------------------

_ANCHOR = re.compile(r"<a\s([^>]*)>", re.IGNORECASE)
_MASTODON_ANCHOR = re.compile(r"<a ([^>]*)>")
_HREF = re.compile(r"""\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.IGNORECASE)
_CLASS = re.compile(r"""\bclass\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
_NOT_A_LINK = frozenset({"mention", "hashtag"})


def extract_links(html: str, *, skip: Container[str] = ()) -> tuple[str, ...]:
    """Return the http(s) links of ``html`` in order, leaving out mentions and hashtags.

    Mastodon marks mention and hashtag links with the classes ``mention`` and ``hashtag``; other
    servers do not always, so hrefs listed in ``skip`` (the post's tag hrefs) are left out too.
    """
    if "<a" not in html and "<A" not in html:
        return ()
    return _keep_links((_any_link(m) for m in _ANCHOR.findall(html)), skip)


def _keep_links(hrefs: Iterable[str | None], skip: Container[str]) -> tuple[str, ...]:
    """Return the web links among ``hrefs``, once each, in order, leaving out ``skip``."""
    kept: dict[str, None] = {}
    for href in hrefs:
        if href and href not in skip and href.startswith(("https://", "http://")):
            kept[href] = None
    return tuple(kept)


def _any_link(attributes: str) -> str | None:
    """Return the href of one anchor's attributes, or None for mentions and hashtags."""
    found = _HREF.search(attributes)
    classes = _CLASS.search(attributes)
    if found is None or (classes and _is_tag_link(classes[1] or classes[2] or "")):
        return None
    href = found[1] or found[2] or found[3] or ""
    return _unescape(href).strip()


def _mastodon_link(attributes: str) -> str | None:
    """Return the href of an anchor in Mastodon's shape: double-quoted, known attributes only."""
    start = attributes.find('href="')
    if start < 0:
        return None
    classes = attributes.find('class="')
    if classes >= 0 and _is_tag_link(attributes[classes + 7 : attributes.find('"', classes + 7)]):
        return None
    return _unescape(attributes[start + 6 : attributes.find('"', start + 6)])


def _is_tag_link(classes: str) -> bool:
    return not _NOT_A_LINK.isdisjoint(classes.split())


# -- all at once --------------------------------------------------------------------------------


class PostHtml(NamedTuple):
    """What a post's HTML holds: its plain text, safe markup, and the links it shares."""

    text: str
    html: str
    links: tuple[str, ...]


def read_post_html(html: str, *, skip: Container[str] = ()) -> PostHtml:
    """Return the text, sanitised markup and links of a post's HTML in one pass over its shape.

    ``skip`` holds hrefs that are not shared links (the post's mention and hashtag hrefs).
    """
    if not _MASTODON_SHAPE.fullmatch(html):
        return PostHtml(html_to_text(html), sanitize_html(html), extract_links(html, skip=skip))
    if "<a " not in html:
        return PostHtml(_mastodon_text(html), html, ())
    hrefs = [_mastodon_link(attributes) for attributes in _MASTODON_ANCHOR.findall(html)]
    return PostHtml(_mastodon_text(html), html, _keep_links(hrefs, skip))
