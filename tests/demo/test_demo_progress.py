"""The generator tells its progress step by step, and a world says what it was made with."""

from __future__ import annotations

from pathlib import Path

from amity.demo import Made, generate, read_made


def test_progress_names_each_step_and_counts_every_post(tmp_path: Path) -> None:
    heard: list[tuple[str, int, int]] = []
    world = generate(
        tmp_path / "told", posts=700, seed=5, progress=lambda *told: heard.append(told)
    )
    steps = list(dict.fromkeys(step for step, _, _ in heard))
    assert steps == [
        "Making the demo world",
        "Writing the Mastodon archive",
        "Writing the X archive",
        "Writing the demo servers' side",
        "Writing the ground truth",
    ]
    last = {step: (done, total) for step, done, total in heard}
    mastodon, twitter = last["Writing the Mastodon archive"], last["Writing the X archive"]
    assert mastodon[0] == mastodon[1] > 0 and twitter[0] == twitter[1] > 0
    assert mastodon[1] + twitter[1] == world.counts["posts"] == 700
    counted = [done for step, done, _ in heard if step == "Writing the Mastodon archive"]
    assert (
        counted == sorted(counted) and len(counted) > 2
    )  # told along the way, not only at the end
    quiet = generate(tmp_path / "quiet", posts=700, seed=5)
    for archive in ("mastodon/outbox.json", "twitter/data/tweets.js", "ground_truth.json"):
        assert (tmp_path / "told" / archive).read_bytes() == (quiet.folder / archive).read_bytes()


def test_a_world_says_what_it_was_made_with(tmp_path: Path) -> None:
    assert read_made(tmp_path) is None
    generate(tmp_path / "world", posts=40, seed=11)
    assert read_made(tmp_path / "world") == Made(seed=11, posts=40)
