"""`amity init` and `amity db ...`: the workspace and its store, from the command line."""

from __future__ import annotations

import stat
from pathlib import Path

import orjson
from typer.testing import CliRunner

from amity.cli import app

runner = CliRunner()


def test_init_creates_the_workspace(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    result = runner.invoke(app, ["init", "--workspace", str(workspace)])
    assert result.exit_code == 0, result.output
    assert (workspace / "amity.toml").is_file()
    assert (workspace / "amity.db").is_file()
    assert stat.S_IMODE((workspace / "secrets").stat().st_mode) == 0o700


def test_db_status_reports_revision_and_totals(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    runner.invoke(app, ["init", "--workspace", str(workspace)])
    result = runner.invoke(app, ["db", "status", "--json", "--workspace", str(workspace)])
    assert result.exit_code == 0, result.output
    data = orjson.loads(result.stdout)
    assert data["up_to_date"] is True
    assert data["revision"] == data["head"]
    assert data["totals"]["posts"] == 0


def test_db_status_without_a_workspace_says_what_to_do(tmp_path: Path) -> None:
    result = runner.invoke(app, ["db", "status", "--workspace", str(tmp_path / "none")])
    assert result.exit_code == 1
    assert "no amity workspace" in result.stderr
    assert "amity init" in result.stderr
    assert "Traceback" not in result.output


def test_environment_variable_chooses_the_workspace(tmp_path: Path) -> None:
    workspace = tmp_path / "from-env"
    result = runner.invoke(app, ["init"], env={"AMITY_WORKSPACE": str(workspace)})
    assert result.exit_code == 0, result.output
    assert (workspace / "amity.db").is_file()


def test_upgrade_is_idempotent(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    runner.invoke(app, ["init", "--workspace", str(workspace)])
    result = runner.invoke(app, ["db", "upgrade", "--workspace", str(workspace)])
    assert result.exit_code == 0
    assert "already up to date" in result.stderr


def test_a_broken_settings_file_is_a_clear_error(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    runner.invoke(app, ["init", "--workspace", str(workspace)])
    (workspace / "amity.toml").write_text("[database\nurl = ")
    result = runner.invoke(app, ["db", "status", "--workspace", str(workspace)])
    assert result.exit_code == 1
    assert "not valid TOML" in result.stderr
