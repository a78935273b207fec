"""Containers: zip or folder alike, and refusal of what no real export looks like."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from amity.errors import ArchiveTooLarge, SourceError, UnknownFormat
from amity.sources import container as container_module
from amity.sources.container import Container


def _make_folder(root: Path) -> Path:
    (root / "export" / "data").mkdir(parents=True)
    (root / "export" / "data" / "tweets.js").write_text("x = []")
    (root / "export" / "data" / "account.js").write_text("x = []")
    return root / "export"


def test_folder_and_zip_list_the_same_members(tmp_path: Path) -> None:
    folder = _make_folder(tmp_path)
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        for member in folder.rglob("*.js"):
            handle.write(member, f"twitter-2026-11-01/{member.relative_to(folder).as_posix()}")
    with Container(folder) as unpacked, Container(archive) as packed:
        assert unpacked.names() == packed.names() == ["data/account.js", "data/tweets.js"]
        with packed.open("data/tweets.js") as handle:
            assert handle.read() == b"x = []"
        assert packed.bytes_read == len(b"x = []")


def test_a_missing_path_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(UnknownFormat, match="does not exist"):
        Container(tmp_path / "nowhere.zip")


def test_a_single_file_is_a_container_of_one(tmp_path: Path) -> None:
    path = tmp_path / "repo.car"
    path.write_bytes(b"\x0acar-bytes")
    with Container(path) as single:
        assert single.names() == ["repo.car"]
        assert single.describe("repo.car") == str(path)
        with single.open("repo.car") as handle:
            assert handle.read() == b"\x0acar-bytes"


def test_a_truncated_zip_is_a_clear_error(tmp_path: Path) -> None:
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as handle:
        handle.writestr("outbox.json", "{}" * 50_000)
    data = archive.read_bytes()
    archive.write_bytes(data[: len(data) // 2])
    with pytest.raises(SourceError):
        Container(archive)


def test_a_zip_bomb_is_refused_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(container_module, "RATIO_CHECKED_ABOVE", 1 << 20)
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as handle:
        handle.writestr("outbox.json", b"\0" * (8 << 20))
    with pytest.raises(ArchiveTooLarge, match="zip bomb"):
        Container(archive)


def test_an_absurdly_large_member_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(container_module, "MAX_MEMBER_BYTES", 1000)
    archive = tmp_path / "large.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as handle:
        handle.writestr("data/tweets.js", b"x" * 2000)
    with pytest.raises(ArchiveTooLarge, match="more than any real export"):
        Container(archive)


def test_a_damaged_member_is_a_clear_error(tmp_path: Path) -> None:
    archive = tmp_path / "damaged.zip"
    payload = b'{"orderedItems": [' + b'{"id": "x"},' * 20_000 + b"{}]}"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as handle:
        handle.writestr("outbox.json", payload)
    data = bytearray(archive.read_bytes())
    middle = len(data) // 3
    data[middle : middle + 40] = b"\x00" * 40
    archive.write_bytes(bytes(data))
    with (
        Container(archive) as packed,
        pytest.raises(SourceError, match="damaged"),
        packed.open("outbox.json") as handle,
    ):
        while handle.read(4096):
            pass
