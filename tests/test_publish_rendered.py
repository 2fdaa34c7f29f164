"""`make check-rendered` and `make diff`: committed rendered packs against fresh renders."""

from __future__ import annotations

import nbformat
import pytest

from hwb.publish import rendered


def _pack(path, text: str):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Burnley"), nbformat.v4.new_code_cell("x")]
    for index, cell in enumerate(nb.cells):
        cell.id = f"burnley-{index}"
    nb.cells[1].outputs = [nbformat.v4.new_output("stream", text=text)]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))
    return path


def test_compare_passes_current_pages_and_names_stale_and_missing_ones(tmp_path):
    committed, fresh = tmp_path / "committed", tmp_path / "fresh"
    _pack(committed / "burnley.ipynb", "same")
    _pack(fresh / "burnley.ipynb", "same")
    _pack(committed / "pendle.ipynb", "old number 12.1")
    _pack(fresh / "pendle.ipynb", "new number 12.4")
    _pack(fresh / "wyre.ipynb", "never committed")
    result = rendered.compare(["burnley", "pendle", "wyre"], fresh, committed)
    assert result.current == ["burnley"]
    assert result.stale == {"pendle": "cell 1 outputs"}
    assert result.missing == ["wyre"]
    assert not result.ok
    report = result.report()
    assert "STALE: pendle" in report and "MISSING: wyre" in report and "make all" in report


def test_compare_is_ok_when_everything_is_current(tmp_path):
    _pack(tmp_path / "a" / "burnley.ipynb", "x")
    _pack(tmp_path / "b" / "burnley.ipynb", "x")
    result = rendered.compare(["burnley"], tmp_path / "b", tmp_path / "a")
    assert result.ok and result.report() == "current: burnley"


@pytest.mark.slow
def test_a_fresh_render_matches_the_committed_page_and_catches_a_stale_one(tmp_path):
    """check-rendered's own path on one real page: Burnley's four-page summary (its pack
    is rendered against the committed one by tests/test_end_to_end.py, and every page by
    `make test`'s check-rendered)."""
    page = "summaries/burnley"
    committed = rendered.committed_path(page)
    if not committed.is_file():
        pytest.fail(f"{committed} is not committed; render it with `make all` and commit it")
    failures = rendered.render_pages([page], tmp_path / "fresh")
    assert failures == {}
    current = rendered.compare([page], tmp_path / "fresh")
    assert current.ok, current.report()

    nb = nbformat.read(str(committed), as_version=4)
    code = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code" and c.outputs)
    nb.cells[code].outputs = []
    stale_dir = tmp_path / "stale" / "summaries"
    stale_dir.mkdir(parents=True)
    (stale_dir / "burnley.ipynb").write_text(nbformat.writes(nb) + "\n", encoding="utf-8")
    stale = rendered.compare([page], tmp_path / "fresh", tmp_path / "stale")
    assert stale.stale == {page: f"cell {code} outputs"}
    assert f"STALE: {page}" in stale.report()
