"""The event table: built from columns or read from a file, with clear errors for bad lines."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from tests.insight.demo_events import relabel

from amity.errors import SourceError
from amity.insight.eventfile import read_events
from amity.insight.events import KIND_CODES, make_events


def test_events_are_sorted_by_time_with_dense_ids_and_no_self_loops() -> None:
    events = make_events(
        np.array([30, 10, 20, 10]), np.array([10, 20, 10, 10]), np.array([300, 100, 200, 50])
    )
    assert events.time.tolist() == [100, 200, 300]
    assert events.labels.tolist() == [10, 20, 30]
    assert [events.labels[i] for i in events.source.tolist()] == [10, 20, 30]
    assert [events.labels[i] for i in events.target.tolist()] == [20, 10, 10]
    assert (events.kind == KIND_CODES["dm"]).all() and (events.thread == -1).all()


def test_string_ids_and_huge_numeric_ids_are_made_dense() -> None:
    named = make_events(np.array(["bo", "al"]), np.array(["al", "cy"]), np.array([1, 2]))
    assert named.labels.tolist() == ["al", "bo", "cy"] and named.node("cy") == 2
    huge = make_events(np.array([10**18, 5]), np.array([5, 10**18]), np.array([1, 2]))
    assert huge.labels.tolist() == [5, 10**18] and huge.nodes == 2
    for missing in ("nobody", "cyd", 3):
        with pytest.raises(KeyError):
            named.node(missing)


def test_relabel_merges_accounts_into_people_and_drops_their_own_exchanges() -> None:
    events = make_events(
        np.array(["me@m", "me@x", "ann@m", "me@m"]),
        np.array(["ann@m", "ann@x", "me@x", "me@x"]),
        np.array([1, 2, 3, 4]),
    )
    people = relabel(events, {"me@m": "me", "me@x": "me", "ann@m": "ann", "ann@x": "ann"})
    assert sorted(people.labels.tolist()) == ["ann", "me"]
    assert len(people) == 3
    assert {people.labels[s] for s in people.source.tolist()} == {"me", "ann"}


def test_before_keeps_the_earlier_events(tmp_path: Path) -> None:
    events = make_events(np.array([1, 2, 3]), np.array([2, 3, 1]), np.array([10, 20, 30]))
    assert events.before(20).time.tolist() == [10]
    assert events.before(20).nodes == 3


def test_reads_whitespace_lists_with_comments(tmp_path: Path) -> None:
    path = tmp_path / "msg.txt"
    path.write_text("# SRC DST UNIXTS\n1 2 1082040961\n\n3\t4\t1082155839\n5 2 1082414391.7\n")
    events = read_events(path)
    assert len(events) == 3 and events.nodes == 5
    assert events.time.tolist() == [1082040961, 1082155839, 1082414391]


def test_reads_csv_with_a_header_names_and_types(tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    path.write_text("source,target,time,type\nann,bo,200,Reply\nbo,ann,100,dm\nann,cy,300,like\n")
    events = read_events(path)
    assert events.labels.tolist() == ["ann", "bo", "cy"]
    assert events.time.tolist() == [100, 200, 300]
    assert events.kind.tolist() == [KIND_CODES["dm"], KIND_CODES["reply"], KIND_CODES["like"]]


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("1 2 100\n3 4 later\n", "line 2", "Unix time"),
        ("1 2 100 reply\n3 4 200 poke\n", "line 2", "unknown interaction type 'poke'"),
        ("1 2 100 reply\n3 4 200\n", "line 2", "3 fields where the first line has 4"),
        ("# header\n1 2\n", "line 2", "2 fields, not 3 or 4"),
        ("1,2,100\n3,,200\n", "line 2", "empty source or target"),
    ],
)
def test_bad_lines_are_named_with_what_is_wrong(
    tmp_path: Path, text: str, line: str, words: str
) -> None:
    path = tmp_path / "bad.txt"
    path.write_text(text)
    with pytest.raises(SourceError) as caught:
        read_events(path)
    assert caught.value.item == line and caught.value.file == str(path)
    assert words in caught.value.message
    assert "source target unixtime [type]" in caught.value.hint


def test_an_empty_or_missing_file_is_an_error(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("# nothing here\n\n")
    with pytest.raises(SourceError, match="holds no interactions"):
        read_events(empty)
    with pytest.raises(SourceError, match="cannot be read"):
        read_events(tmp_path / "missing.txt")


def test_reading_is_deterministic(tmp_path: Path) -> None:
    path = tmp_path / "msg.txt"
    path.write_text(
        "".join(f"{i % 7} {(i * 3) % 11} {1000 + (i * 37) % 500}\n" for i in range(300))
    )
    first, second = read_events(path), read_events(path)
    for name in ("source", "target", "time", "kind", "thread", "labels"):
        assert np.array_equal(getattr(first, name), getattr(second, name))
