"""The other side of the world is drawn from streams of its own: the archives keep their bytes.

The hashes in archives_seed7.sha256 were taken from the generator as it was before the servers'
side was added (seed 7, the default 5,000 posts). Everything the servers' side draws comes from
random streams and id makers of its own, so the Mastodon and X archives must not change by a
single byte.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from amity.demo import DEFAULT_POSTS, DEFAULT_SEED, generate

DIGESTS = Path(__file__).with_name("archives_seed7.sha256")
"""``sha256sum`` lines for every archive file of seed 7 at the default size, taken beforehand."""
ARCHIVES_SEED_7 = {
    name: digest
    for digest, name in (line.split() for line in DIGESTS.read_text(encoding="utf-8").splitlines())
}


def test_the_default_worlds_archives_are_byte_for_byte_as_before(tmp_path: Path) -> None:
    generate(tmp_path, posts=DEFAULT_POSTS, seed=DEFAULT_SEED)
    found = {
        name: hashlib.sha256((tmp_path / name).read_bytes()).hexdigest() for name in ARCHIVES_SEED_7
    }
    assert found == ARCHIVES_SEED_7
    written = {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()}
    archives = {name for name in written if name.startswith(("mastodon/", "twitter/"))}
    assert archives == set(ARCHIVES_SEED_7), "the archives hold the same files, no more"
