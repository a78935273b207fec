"""The streaming JSON reader: correct values, bounded buffers, clear errors."""

from __future__ import annotations

import io
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from amity.errors import ArchiveTooLarge, SourceError
from amity.sources.jsonstream import JsonStream, iter_javascript_array, read_javascript_value

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


@given(st.lists(json_values, max_size=20), st.integers(min_value=1, max_value=64))
def test_array_items_round_trip_whatever_the_chunk_size(items: list[object], chunk: int) -> None:
    text = "window.YTD.tweets.part0 = " + json.dumps(items, indent=2)
    stream = JsonStream(io.BytesIO(text.encode()), file="t.js", chunk_chars=chunk)
    stream.skip_past("=")
    assert list(stream.iter_array()) == items


def test_object_members_stream_one_key_at_a_time() -> None:
    document = {"@context": "x", "totalItems": 2, "orderedItems": [{"a": 1}, {"b": [2]}], "z": 1}
    stream = JsonStream(io.BytesIO(json.dumps(document).encode()), file="o.json", chunk_chars=7)
    seen: dict[str, object] = {}
    for key in stream.iter_keys():
        seen[key] = list(stream.iter_array()) if key == "orderedItems" else stream.value()
    assert seen == document


def test_numbers_split_across_chunks_are_read_whole() -> None:
    stream = JsonStream(io.BytesIO(b"[123456789, 42]"), file="n.json", chunk_chars=3)
    assert list(stream.iter_array()) == [123456789, 42]


def test_multibyte_characters_split_across_chunks() -> None:
    items = ["grüße 👋", "日本語"]
    raw = json.dumps(items, ensure_ascii=False).encode()
    for chunk in range(1, 12):
        stream = JsonStream(io.BytesIO(raw), file="u.json", chunk_chars=chunk)
        assert list(stream.iter_array()) == items


def test_a_file_cut_in_half_names_the_file_and_the_item() -> None:
    raw = b'window.YTD.tweets.part0 = [ {"a": 1}, {"b": "cut her'
    with pytest.raises(SourceError) as caught:
        list(iter_javascript_array(io.BytesIO(raw), file="data/tweets.js", label="tweet"))
    assert caught.value.file == "data/tweets.js"
    assert caught.value.item == "tweet 2"
    assert "ends in the middle" in str(caught.value)


def test_a_syntax_error_in_the_middle_is_reported_at_once() -> None:
    raw = b'[{"a": 1}, {"b" 2}, {"c": 3}]'
    with pytest.raises(SourceError, match="not valid JSON"):
        list(JsonStream(io.BytesIO(raw), file="x.json").iter_array())


def test_an_absurdly_large_item_is_refused() -> None:
    raw = b'[{"text": "' + b"x" * 5000 + b'"}]'
    stream = JsonStream(io.BytesIO(raw), file="big.json", chunk_chars=256, max_item_chars=1000)
    with pytest.raises(ArchiveTooLarge, match="larger than"):
        list(stream.iter_array())


def test_bytes_that_are_not_utf8_are_a_clear_error() -> None:
    with pytest.raises(SourceError, match="not UTF-8"):
        list(JsonStream(io.BytesIO(b'["\xff\xfe"]'), file="bad.json").iter_array())


def test_a_byte_order_mark_is_accepted() -> None:
    value = read_javascript_value(io.BytesIO('\ufeffx = {"a": 1};'.encode()), file="m.js")
    assert value == {"a": 1}


@pytest.mark.parametrize("chunk", [1, 2, 3, 4, 1000])
def test_a_byte_order_mark_is_accepted_whatever_the_chunk_size(chunk: int) -> None:
    raw = io.BytesIO('\ufeff[{"a": "\u00e9"}, {"a": 2}, {"a": 3}]'.encode())
    assert list(JsonStream(raw, file="m.json", chunk_chars=chunk).iter_array()) == [
        {"a": "\u00e9"},
        {"a": 2},
        {"a": 3},
    ]


def test_values_longer_than_the_first_window_with_multibyte_characters() -> None:
    # The standard scanner reads a window that doubles; characters of 2-4 bytes fall on its edges.
    items = ["\u00e9\u20ac\U0001f600" * n for n in (1, 50, 300, 2000)] + [list(range(500))]
    raw = json.dumps(items, ensure_ascii=False).encode()
    for chunk in (5, 97, 1 << 22):
        assert list(JsonStream(io.BytesIO(raw), file="w.json", chunk_chars=chunk).iter_array()) == (
            items
        )


def test_trailing_garbage_is_an_error() -> None:
    with pytest.raises(SourceError, match="unexpected"):
        list(iter_javascript_array(io.BytesIO(b"x = [1] [2]"), file="g.js"))


# Integers within 64 bits: past them orjson, on the fast path, reads floats (see jsonstream.py).
int64 = st.integers(min_value=-(2**63), max_value=2**63 - 1)
fast_values = st.recursive(
    st.none()
    | st.booleans()
    | int64
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
objects = st.dictionaries(st.sampled_from(["id", "type", "tag", "x"]), fast_values, min_size=1)


@given(st.lists(objects, max_size=30), st.integers(min_value=1, max_value=300), st.booleans())
def test_arrays_of_objects_take_the_fast_path_to_the_same_result(
    items: list[dict[str, object]], chunk: int, pretty: bool
) -> None:
    text = json.dumps(
        items, indent=2 if pretty else None, separators=None if pretty else (",", ":")
    )
    stream = JsonStream(io.BytesIO(text.encode()), file="o.json", chunk_chars=chunk)
    assert list(stream.iter_array()) == items


def test_nested_objects_that_look_like_the_separator_are_not_cut() -> None:
    # Each item holds a nested list whose objects open with the same key as the items do.
    items = [
        {"id": i, "tag": [{"id": f"n{i}"}, {"id": f"m{i}", "deep": [{"id": 0}]}]} for i in range(50)
    ]
    for separators in ((",", ":"), (", ", ": ")):
        raw = json.dumps(items, separators=separators).encode()
        stream = JsonStream(io.BytesIO(raw), file="o.json", chunk_chars=97)
        assert list(stream.iter_array()) == items


def test_a_change_of_layout_midway_is_read_correctly() -> None:
    first = json.dumps([{"id": i} for i in range(20)], separators=(",", ":"))
    second = json.dumps([{"id": i} for i in range(20, 40)], indent=3)
    raw = (first[:-1] + "," + second[1:]).encode()
    assert list(JsonStream(io.BytesIO(raw), file="o.json").iter_array()) == [
        {"id": i} for i in range(40)
    ]
