"""`amity import` and `amity demo` from the command line: contracts, exit codes, messages."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import orjson
from typer.testing import CliRunner

from amity.cli import app

runner = CliRunner()
FIXTURES = Path(__file__).parents[1] / "fixtures"
SMALL = FIXTURES / "mastodon" / "eramdam-testaccount"
TWITTER = FIXTURES / "twitter" / "andreruffert"
KINDS = {"posts", "boosts", "likes", "bookmarks", "follows", "dms"}


def _amity(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the real command in a child process, as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "amity", *args], capture_output=True, text=True, check=False
    )


def test_import_json_contract(tmp_path: Path) -> None:
    workspace = str(tmp_path / "ws")
    result = runner.invoke(app, ["import", str(SMALL), str(TWITTER), "-w", workspace, "--json"])
    assert result.exit_code == 0, result.output
    report = orjson.loads(result.stdout)
    assert set(report["counts"]) >= KINDS
    assert set(report["new"]) >= KINDS
    assert isinstance(report["problems"], list)
    assert report["counts"] == report["new"]
    assert report["counts"]["posts"] > 1000
    assert [a["format"] for a in report["archives"]] == ["mastodon", "twitter"]

    again = runner.invoke(app, ["import", str(TWITTER), "-w", workspace, "--json"])
    assert set(orjson.loads(again.stdout)["new"].values()) == {0}


def test_import_report_for_people(tmp_path: Path) -> None:
    result = runner.invoke(app, ["import", str(SMALL), "-w", str(tmp_path / "ws")])
    assert result.exit_code == 0
    assert "in the store" in result.stdout
    assert "Imported mastodon archive" in result.stderr


def test_bad_input_exits_1_with_a_message_and_no_traceback(tmp_path: Path) -> None:
    junk = tmp_path / "holiday.txt"
    junk.write_text("not an archive")
    result = _amity("import", str(junk), "--workspace", str(tmp_path / "ws"))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert str(junk) in result.stderr
    assert "not an archive amity can read" in result.stderr
    assert "→" in result.stderr  # the hint: what to do next


def test_a_file_cut_in_half_names_file_and_item(tmp_path: Path) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "actor.json").write_bytes((SMALL / "actor.json").read_bytes())
    outbox = (SMALL / "outbox.json").read_bytes()
    (folder / "outbox.json").write_bytes(outbox[: len(outbox) // 2])
    result = _amity("import", str(folder), "--workspace", str(tmp_path / "ws"))
    assert result.returncode == 1
    assert "outbox.json" in result.stderr
    assert "item " in result.stderr
    assert "Traceback" not in result.stderr


def test_the_wrong_account_is_refused(tmp_path: Path) -> None:
    workspace = str(tmp_path / "ws")
    runner.invoke(app, ["import", str(SMALL), "-w", workspace])
    other = FIXTURES / "mastodon" / "dealingwith.zip"
    result = runner.invoke(app, ["import", str(other), "-w", workspace])
    assert result.exit_code == 1
    assert "belongs to" in result.stderr
    assert "--also-mine" in result.stderr


def test_demo_generate_writes_archives_deterministically(tmp_path: Path) -> None:
    digests = []
    for name in ("one", "two"):
        target = tmp_path / name
        result = runner.invoke(
            app, ["demo", "generate", str(target), "--posts", "300", "--seed", "3"]
        )
        assert result.exit_code == 0, result.output
        assert (target / "mastodon" / "outbox.json").is_file()
        assert (target / "twitter" / "data" / "tweets.js").is_file()
        assert (target / "ground_truth.json").is_file()
        digest = hashlib.sha256()
        for path in sorted(target.rglob("*")):
            if path.is_file():
                digest.update(path.relative_to(target).as_posix().encode() + path.read_bytes())
        digests.append(digest.hexdigest())
    assert digests[0] == digests[1]


def test_demo_imports_and_summarises(tmp_path: Path) -> None:
    workspace = str(tmp_path / "ws")
    result = runner.invoke(app, ["demo", "-w", workspace, "--posts", "400", "--json"])
    assert result.exit_code == 0, result.output
    data = orjson.loads(result.stdout)
    imported = data["import"]["counts"]
    assert imported["posts"] + imported["boosts"] + imported["dms"] >= 400
    assert data["import"]["problem_count"] == 0
    circles = [person["circle"] for person in data["close_people"]]
    assert circles and circles == sorted(circles) and set(circles) <= {1, 2}
    assert all(person["explanation"] for person in data["close_people"])
    assert data["posts_by_kind"]["mastodon:reply"] > 0


def test_demo_summary_for_people(tmp_path: Path) -> None:
    result = runner.invoke(app, ["demo", "-w", str(tmp_path / "ws"), "--posts", "300"])
    assert result.exit_code == 0, result.output
    assert "Your people, as of" in result.stdout
    assert "Your posts by kind" in result.stdout
    assert "may be one person with another account: `amity people suggestions --workspace" in (
        result.stderr
    )
