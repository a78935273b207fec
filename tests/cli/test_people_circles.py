"""`amity people list/show/drifting/evaluate` from the command line: output, JSON and errors."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import orjson
import pytest
from typer.testing import CliRunner

from amity.cli import app
from amity.cli.people_json import STANDING_KEYS
from amity.demo import DemoWorld, generate
from amity.insight.evaluate import METHODS

runner = CliRunner()
FIXTURES = Path(__file__).parent.parent / "fixtures"
FIGURES = {
    "next_event_mrr",
    "next_event_precision_at_5",
    "next_window_precision_at_5",
    "next_window_precision_at_10",
}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> DemoWorld:
    return generate(tmp_path_factory.mktemp("world"), posts=5000, seed=7)


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory, world: DemoWorld) -> Path:
    path = tmp_path_factory.mktemp("imported") / "ws"
    result = runner.invoke(app, ["import", *map(str, world.archives), "-w", str(path)])
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture
def workspace(tmp_path: Path, imported: Path) -> str:
    """A copy of the imported workspace, free for this test to change."""
    copy = tmp_path / "ws"
    shutil.copytree(imported, copy)
    return str(copy)


def people(workspace: str, *args: str) -> Any:
    return runner.invoke(app, ["people", *args, "-w", workspace])


def people_json(workspace: str, *args: str) -> Any:
    result = people(workspace, *args, "--json")
    assert result.exit_code == 0, result.output
    return orjson.loads(result.stdout)


def test_list_shows_the_circles_inner_first(workspace: str) -> None:
    data = people_json(workspace, "list")
    circles = [p["circle"] for p in data["people"]]
    assert circles == sorted(circles) and set(circles) <= {1, 2, 3, 4}
    assert len(circles) == sum(data["circle_sizes"][c] for c in "1234")
    first = data["people"][0]
    assert first["explanation"].startswith(f"{sum(first['recent'].values())} interactions")
    assert first["accounts"] and first["sent"] > 0
    everyone = people_json(workspace, "list", "--all")
    assert len(everyone["people"]) == len(circles) + data["circle_sizes"]["further"]


def test_list_filters_by_circle_and_tag(workspace: str) -> None:
    inner = people_json(workspace, "list", "--circle", "1")
    assert inner["people"] and {p["circle"] for p in inner["people"]} == {1}
    second = inner["people"][-1]["accounts"][0]
    assert people(workspace, "tag", second, "printmaking").exit_code == 0
    tagged = people_json(workspace, "list", "--tag", "Printmaking")
    assert [p["accounts"][0] for p in tagged["people"]] == [second]
    assert tagged["people"][0]["tags"] == ["printmaking"]


def test_list_in_a_terminal_is_a_table_with_numbers_to_show(workspace: str) -> None:
    result = runner.invoke(app, ["people", "list", "--limit", "5", "-w", workspace])
    assert result.exit_code == 0, result.output
    assert "Your people, as of" in result.stdout
    assert "Why someone stands where they do: amity people show '#" in result.stderr
    number = result.stdout.split("#", 2)[1].split()[0]
    shown = people_json(workspace, "show", f"#{number}")
    assert shown["person"]["person_id"] == int(number)
    assert shown["person"]["circle"] == 1


def test_show_explains_the_tie_and_lists_what_you_know(workspace: str) -> None:
    someone = people_json(workspace, "list", "--circle", "1")["people"][0]["accounts"][0]
    assert people(workspace, "note", someone, "Ask about the studio").exit_code == 0
    assert people(workspace, "met", someone, "--where", "Zine fair").exit_code == 0
    assert people(workspace, "pin", someone, "3").exit_code == 0
    person = people_json(workspace, "show", someone)["person"]
    assert (person["circle"], person["pinned"], person["pinned_circle"]) == (3, True, 3)
    assert [n["kind"] for n in person["notes"]] == ["note", "met"]
    assert "last talked" in person["explanation"]
    text = runner.invoke(app, ["people", "show", someone, "-w", workspace]).stdout
    for expected in ("pinned by you", "Ask about the studio", "Zine fair", "last talked"):
        assert expected in text


def test_show_of_yourself_and_of_an_unknown_name(workspace: str) -> None:
    own = people_json(workspace, "show", "#1")["person"]
    assert own["is_you"] is True and "circle" not in own
    missing = people(workspace, "show", "x:nobody_at_all")
    assert missing.exit_code == 1
    assert "no person named 'x:nobody_at_all'" in missing.stderr
    assert "Traceback" not in missing.output


def test_drifting_lists_the_drifters_with_their_reasons(workspace: str, world: DemoWorld) -> None:
    truth = orjson.loads(world.ground_truth.read_bytes())
    names = {p["display_name"] for p in truth["people"] if p["drifting"]}
    data = people_json(workspace, "drifting")
    assert data["drifting"] and all(p["drifting"]["silence_days"] > 100 for p in data["drifting"])
    assert {p["name"] for p in data["drifting"] if p["name"] in names} == names
    assert all(p["rising"] is not None for p in data["rising"])
    text = runner.invoke(app, ["people", "drifting", "-w", workspace]).stdout
    assert text.startswith("Drifting, as of")
    numbers = [int(number) for number in re.findall(r"#(\d+)", text)]
    shown = [p["person_id"] for p in data["drifting"][:10]]  # the table shows 10 at most
    assert numbers[: len(shown)] == shown


def test_drifting_long_ago_finds_none_yet(workspace: str) -> None:
    data = people_json(workspace, "drifting", "--at", "2026-01-15")
    assert data["as_of"].startswith("2026-01-15T23:59:59")
    assert data["drifting"] == []
    quiet = people(workspace, "drifting", "--at", "2026-01-15")
    assert "No close tie is drifting as of 2026-01-15" in quiet.stderr


def test_evaluate_a_file_prints_the_four_methods(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["people", "evaluate", str(FIXTURES / "snap-collegemsg" / "CollegeMsg.txt"), "--json"]
    )
    assert result.exit_code == 0, result.output
    data = orjson.loads(result.stdout)
    assert set(data) == set(METHODS)
    assert all(set(figures) == FIGURES for figures in data.values())
    assert data["amity"]["next_event_mrr"] > data["recency"]["next_event_mrr"]
    assert (
        data["amity"]["next_window_precision_at_5"] > data["recency"]["next_window_precision_at_5"]
    )
    assert "1,905 samples" in result.stderr


def test_evaluate_the_workspace(workspace: str) -> None:
    result = people(workspace, "evaluate")
    assert result.exit_code == 0, result.output
    for method in ("amity", "recency", "count", "decayed count"):
        assert method in result.stdout
    assert "Replayed your history" in result.stderr


def test_evaluate_a_bad_file_names_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "events.txt"
    bad.write_text("1 2 1000\n2 1 1060\n3 1 yesterday\n")
    result = runner.invoke(app, ["people", "evaluate", str(bad)])
    assert result.exit_code == 1
    assert "events.txt" in result.stderr and "line 3" in result.stderr
    assert "Traceback" not in result.output
    missing = runner.invoke(app, ["people", "evaluate", str(tmp_path / "absent.txt")])
    assert missing.exit_code == 1 and "absent.txt" in missing.stderr


def test_people_commands_need_a_workspace(tmp_path: Path) -> None:
    result = runner.invoke(app, ["people", "list", "-w", str(tmp_path / "none")])
    assert result.exit_code == 1
    assert "amity init" in result.stderr or "amity import" in result.stderr


def test_show_says_when_you_block_someone(workspace: str, tmp_path: Path) -> None:
    first = people_json(workspace, "list", "--circle", "1")["people"]
    handle = next(p["accounts"][0] for p in first if p["accounts"][0].startswith("mastodon:"))
    blocks = tmp_path / "blocked_accounts.csv"
    blocks.write_text(handle.removeprefix("mastodon:") + "\n")
    assert runner.invoke(app, ["import", str(blocks), "-w", workspace]).exit_code == 0
    shown = people_json(workspace, "show", handle)["person"]
    assert shown["kept_away"] == ["block"] and "circle" not in shown
    text = people(workspace, "show", handle).stdout
    assert "you blocked them" in text
    listed = people(workspace, "list")
    assert handle not in listed.stdout and "Left out: 1 you block or mute." in listed.stderr


def test_someone_pinned_before_any_interaction_is_in_their_circle(workspace: str) -> None:
    before = people_json(workspace, "list", "--all")
    assert set(before["people"][0]) == set(STANDING_KEYS)
    late = next(p for p in before["people"] if p["circle"] == 0)
    at = "2025-12-01"
    earlier = people_json(workspace, "list", "--all", "--at", at)
    assert late["person_id"] not in {p["person_id"] for p in earlier["people"]}
    assert people(workspace, "pin", f"#{late['person_id']}", "2").exit_code == 0
    pinned = people_json(workspace, "list", "--circle", "2", "--at", at)["people"]
    entry = next(p for p in pinned if p["person_id"] == late["person_id"])
    assert (entry["circle"], entry["pinned"], entry["sent"], entry["last_at"]) == (2, True, 0, None)
    assert set(entry) == set(STANDING_KEYS)
    assert pinned[-1] == entry  # after the contacts of the circle
    sizes = people_json(workspace, "list", "--at", at)["circle_sizes"]
    assert sizes["2"] == earlier["circle_sizes"]["2"] + 1
    text = runner.invoke(app, ["people", "list", "--circle", "2", "--at", at, "-w", workspace])
    assert "never" in text.stdout
