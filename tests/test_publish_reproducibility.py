"""The reproducibility page's facts: commit, lock hash, snapshot hash, tool versions."""

from __future__ import annotations

import hashlib

from hwb import paths
from hwb.publish import reproducibility


def test_snapshot_hash_depends_on_file_hashes_not_their_order():
    a = {"files": [{"name": "a.csv", "sha256": "1"}, {"name": "b.csv", "sha256": "2"}]}
    b = {"files": list(reversed(a["files"]))}
    c = {"files": [{"name": "a.csv", "sha256": "1"}, {"name": "b.csv", "sha256": "3"}]}
    assert reproducibility.snapshot_sha256(a) == reproducibility.snapshot_sha256(b)
    assert reproducibility.snapshot_sha256(a) != reproducibility.snapshot_sha256(c)
    expected = hashlib.sha256(b"a.csv 1\nb.csv 2\n").hexdigest()
    assert reproducibility.snapshot_sha256(a) == expected


def test_render_info_describes_this_checkout():
    info = reproducibility.build_info()
    assert info.lock_sha256 == hashlib.sha256(paths.LOCK.read_bytes()).hexdigest()
    assert len(info.commit) == 40 or info.commit.startswith("unknown")
    assert info.tools["pandas"] != "not installed"
    labels = [label for label, _ in info.rows()]
    assert labels[:5] == [
        "Git commit",
        "requirements.lock sha256",
        "Data snapshot",
        "Data snapshot date",
        "Data snapshot sha256",
    ]
    table = reproducibility.as_markdown(info)
    assert f"`{info.lock_sha256}`" in table


def test_the_directive_is_on_the_committed_page():
    page = paths.BOOK / "reproducibility.md"
    assert "```{hwb-build-info}" in page.read_text(encoding="utf-8")
