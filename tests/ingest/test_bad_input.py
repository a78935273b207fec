"""Bad input: one clear error, and the store exactly as it was before the command."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from amity.errors import AmityError, ArchiveTooLarge, SourceError, UnknownFormat, WrongAccount
from amity.ingest import import_archives
from amity.sources import container as container_module
from tests.ingest.helpers import snapshot

FIXTURES = Path(__file__).parents[1] / "fixtures" / "mastodon"
SMALL = FIXTURES / "eramdam-testaccount"
OTHER = FIXTURES / "dealingwith.zip"
X_SMALL = FIXTURES.parent / "twitter" / "eroija"


@pytest.fixture
def imported(engine: Engine) -> Engine:
    """A store that already holds the small test account."""
    import_archives(engine, [SMALL])
    return engine


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "export"
    shutil.copytree(SMALL, target)
    return target


def test_a_file_that_is_no_archive(imported: Engine, tmp_path: Path) -> None:
    before = snapshot(imported)
    path = tmp_path / "notes.txt"
    path.write_text("dear diary")
    with pytest.raises(UnknownFormat) as caught:
        import_archives(imported, [path])
    assert str(path) in str(caught.value)
    assert snapshot(imported) == before


def test_a_folder_that_is_no_archive(imported: Engine, tmp_path: Path) -> None:
    before = snapshot(imported)
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "cat.jpg").write_bytes(b"\xff\xd8")
    with pytest.raises(UnknownFormat, match="not an archive amity can read") as caught:
        import_archives(imported, [tmp_path / "photos"])
    assert "docs/sources.md" in caught.value.hint
    assert snapshot(imported) == before


def test_a_truncated_zip(imported: Engine, tmp_path: Path) -> None:
    before = snapshot(imported)
    data = OTHER.read_bytes()
    cut = tmp_path / "cut.zip"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(SourceError):
        import_archives(imported, [cut])
    assert snapshot(imported) == before


def test_a_json_file_cut_in_half(imported: Engine, tmp_path: Path) -> None:
    before = snapshot(imported)
    folder = _copy(tmp_path)
    outbox = folder / "outbox.json"
    outbox.write_bytes(outbox.read_bytes()[: outbox.stat().st_size // 2])
    with pytest.raises(SourceError) as caught:
        import_archives(imported, [folder])
    assert "outbox.json" in caught.value.file
    assert caught.value.item.startswith("item ")
    assert "download" in caught.value.hint.lower() or "export" in caught.value.hint.lower()
    assert snapshot(imported) == before


def test_the_archive_of_another_account(imported: Engine) -> None:
    before = snapshot(imported)
    with pytest.raises(WrongAccount, match="belongs to") as caught:
        import_archives(imported, [OTHER])
    assert "--also-mine" in caught.value.hint
    assert snapshot(imported) == before
    report = import_archives(imported, [OTHER], also_mine=True)
    assert report.new["posts"] > 1000


def test_a_bad_archive_beside_a_good_one_stores_neither(engine: Engine, tmp_path: Path) -> None:
    before = snapshot(engine)
    folder = _copy(tmp_path)
    (folder / "outbox.json").write_text('{"orderedItems": [{"type": "Create", ')
    with pytest.raises(SourceError):
        import_archives(engine, [OTHER, folder], also_mine=True)
    assert snapshot(engine) == before


def test_an_item_missing_its_fields_is_skipped_and_reported(engine: Engine, tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    outbox = json.loads((folder / "outbox.json").read_text())
    del outbox["orderedItems"][2]["object"]
    (folder / "outbox.json").write_text(json.dumps(outbox))
    report = import_archives(engine, [folder])
    assert report.problem_count == 1
    problem = report.problems[0]
    assert "outbox.json" in problem.file
    assert problem.item.startswith("item 3")
    assert report.counts["posts"] + report.counts["dms"] == len(outbox["orderedItems"]) - 1


def test_an_absurdly_large_member(
    imported: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot(imported)
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        for member in SMALL.iterdir():
            handle.write(member, member.name)
    monkeypatch.setattr(container_module, "MAX_MEMBER_BYTES", 10_000)
    with pytest.raises(ArchiveTooLarge, match=r"outbox\.json"):
        import_archives(imported, [archive])
    assert snapshot(imported) == before


def test_a_zip_bomb(imported: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = snapshot(imported)
    monkeypatch.setattr(container_module, "RATIO_CHECKED_ABOVE", 1 << 20)
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as handle:
        handle.write(SMALL / "actor.json", "actor.json")
        handle.writestr("outbox.json", b" " * (16 << 20))
    with pytest.raises(ArchiveTooLarge, match="zip bomb"):
        import_archives(imported, [archive])
    assert snapshot(imported) == before


mutations = st.one_of(
    st.tuples(st.just("truncate"), st.floats(min_value=0.0, max_value=0.999)),
    st.tuples(st.just("flip"), st.floats(min_value=0.0, max_value=0.999)),
    st.tuples(st.just("drop-key"), st.integers(min_value=0, max_value=50)),
)


def _mutate(data: bytes, how: str, where: float) -> bytes:
    """Cut, corrupt, or drop a field of one item of a JSON or X-style JavaScript file."""
    if how == "truncate":
        return data[: int(len(data) * where)]
    if how == "flip":
        changed = bytearray(data)
        index = int(len(data) * where)
        changed[index] = (changed[index] + 1 + index % 200) % 256
        return bytes(changed)
    text = data.decode("utf-8")
    prefix, _, body = text.partition("=") if text.startswith("window.") else ("", "", text)
    document = json.loads(body)
    items = document if isinstance(document, list) else document.get("orderedItems") or [document]
    if items:
        item = items[int(where) % len(items)]
        item = next(iter(item.values())) if prefix and isinstance(item, dict) and item else item
        if isinstance(item, dict) and item:
            del item[sorted(item)[int(where) % len(item)]]
    encoded = json.dumps(document, indent=2)
    return (f"{prefix}= {encoded}" if prefix else encoded).encode()


def _import_mutated(engine: Engine, folder: Path) -> None:
    """Import a mutated export: either it imports, or it fails cleanly and stores nothing."""
    before = snapshot(engine)
    try:
        import_archives(engine, [folder])
    except AmityError as error:
        assert str(error)
        assert snapshot(engine) == before


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(mutation=mutations, member=st.sampled_from(["outbox.json", "actor.json"]))
def test_mutated_mastodon_exports_never_crash_or_half_write(
    imported: Engine,
    tmp_path_factory: pytest.TempPathFactory,
    mutation: tuple[str, float],
    member: str,
) -> None:
    folder = _copy(tmp_path_factory.mktemp("mutated"))
    path = folder / member
    path.write_bytes(_mutate(path.read_bytes(), *mutation))
    _import_mutated(imported, folder)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    mutation=mutations,
    member=st.sampled_from(["tweets.js", "direct-messages.js", "manifest.js", "like.js"]),
)
def test_mutated_x_archives_never_crash_or_half_write(
    engine: Engine,
    tmp_path_factory: pytest.TempPathFactory,
    mutation: tuple[str, float],
    member: str,
) -> None:
    folder = tmp_path_factory.mktemp("mutated") / "x"
    shutil.copytree(X_SMALL, folder)
    path = folder / "data" / member
    if path.exists():
        path.write_bytes(_mutate(path.read_bytes(), *mutation))
    _import_mutated(engine, folder)
