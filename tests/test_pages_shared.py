"""Results one build's pages share (hwb.pages.shared): computed once, read back the same."""

from __future__ import annotations

import pytest
from pandas.testing import assert_frame_equal

from hwb import paths
from hwb.pages import model, partnership, sections, shared
from hwb.pages.partnership import load_partnership_pack
from hwb.params import OVERVIEW_FIELDS, OverviewArea
from hwb.partnerships import resolve_partnership


@pytest.fixture
def folder(tmp_path, monkeypatch):
    """A build's folder of shared results, as the render layer names it to a kernel."""
    where = tmp_path / "shared-results"
    where.mkdir()
    monkeypatch.setenv(paths.SHARED_RESULTS_ENV, str(where))
    return where


def _counter():
    calls = []

    def compute():
        calls.append(1)
        return {"computed": len(calls)}

    return compute, calls


def test_without_a_folder_every_result_is_computed(monkeypatch):
    monkeypatch.delenv(paths.SHARED_RESULTS_ENV, raising=False)
    compute, calls = _counter()
    shared.remember("x", {"a": 1}, compute)
    shared.remember("x", {"a": 1}, compute)
    assert len(calls) == 2
    monkeypatch.setenv(paths.SHARED_RESULTS_ENV, "/nonexistent/shared-results")  # build over
    assert shared.remember("x", {"a": 1}, compute) == {"computed": 3}


def test_a_result_is_computed_once_per_name_and_identity(folder):
    compute, calls = _counter()
    assert shared.remember("x", {"a": 1}, compute) == {"computed": 1}
    assert shared.remember("x", {"a": 1}, compute) == {"computed": 1}
    assert shared.remember("x", {"a": 2}, compute) == {"computed": 2}
    assert shared.remember("y", {"a": 1}, compute) == {"computed": 3}
    assert len(calls) == 3
    assert len([p for p in folder.iterdir() if p.suffix == ".pickle"]) == 3


def test_the_key_follows_the_catalogue_and_the_source(tmp_path, monkeypatch):
    before = shared.key("x", {"a": 1})
    assert shared.key("x", {"a": 1}) == before
    edited = tmp_path / "catalogue.yml"
    edited.write_bytes(paths.CATALOGUE.read_bytes() + b"\n# edited\n")
    monkeypatch.setattr(paths, "CATALOGUE", edited)
    after_catalogue = shared.key("x", {"a": 1})
    assert after_catalogue != before
    monkeypatch.setattr(shared, "source_digest", lambda: "0" * 64)
    assert shared.key("x", {"a": 1}) != after_catalogue


def test_a_result_that_cannot_be_stored_is_still_shown(folder, monkeypatch):
    def full_disk(path, data):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(shared, "_write", full_disk)
    compute, _ = _counter()
    assert shared.remember("x", {"a": 1}, compute) == {"computed": 1}
    assert shared.remember("x", {"a": 1}, compute) == {"computed": 2}


def _refuse(*args, **kwargs):
    raise AssertionError("computed again, not read from the build's shared results")


@pytest.mark.parametrize("slug", ["burnley", "chorley-and-south-ribble"])
def test_a_summary_reads_what_its_pack_worked_out_and_shows_the_same(slug, folder, monkeypatch):
    """The pack's headline table (combined, for two districts), long-list and projections are
    computed once; the summary's kernel reads them back equal to computing them afresh."""
    notebook_params = resolve_partnership(slug).to_notebook()
    monkeypatch.delenv(paths.SHARED_RESULTS_ENV)
    fresh = load_partnership_pack(notebook_params, "data/snapshot")
    expected = (fresh.headline, sections.ranked_priorities(fresh), sections.projections(fresh))
    monkeypatch.setenv(paths.SHARED_RESULTS_ENV, str(folder))

    pack = load_partnership_pack(notebook_params, "data/snapshot")  # the pack's kernel
    sections.ranked_priorities(pack)
    sections.projections(pack)
    stored = sorted(p.name.rsplit("-", 1)[0] for p in folder.glob("*.pickle"))
    headlines = ["headline"] * len(pack.members)
    combined = ["combined-headline"] if len(pack.members) > 1 else []
    assert stored == sorted([*combined, *headlines, "priorities", "projections"])

    for module in (model, partnership):  # the summary's kernel: nothing is worked out again
        monkeypatch.setattr(module, "headline_table", _refuse)
    monkeypatch.setattr(sections, "_projections", _refuse)
    monkeypatch.setattr(sections, "rank_priorities", _refuse)
    summary = load_partnership_pack(notebook_params, "data/snapshot")
    got = (summary.headline, sections.ranked_priorities(summary), sections.projections(summary))
    for table, want in zip(got, expected, strict=True):
        assert_frame_equal(table, want, check_exact=True)
    assert len(expected[2]) and len(expected[1])


def test_other_parameters_are_not_served_another_pack_s_results(folder):
    """A change to a parameter the long-list reads (its weights) is a different result."""
    params = resolve_partnership("burnley")
    pack = load_partnership_pack(params.to_notebook(), "data/snapshot")
    ranked = sections.ranked_priorities(pack)
    district = params.districts[0]
    weights = district.priority_weights.model_copy(update={"people": 5.0})
    changed = params.model_copy(
        update={"districts": [district.model_copy(update={"priority_weights": weights})]}
    )
    other = load_partnership_pack(changed.to_notebook(), "data/snapshot")
    assert model.pack_identity(other) != model.pack_identity(pack)
    reranked = sections.ranked_priorities(other)
    assert not reranked["score"].equals(ranked["score"])


def test_a_district_s_long_list_is_shared_by_every_page_that_shows_it(folder, monkeypatch):
    """One district's long-list depends on its area, the snapshot, its weights and how many
    to recommend, whichever page asks (the overview reads its districts with another model);
    a combined partnership's is its own."""
    burnley = resolve_partnership("burnley")
    ranked = sections.ranked_priorities(load_partnership_pack(burnley.to_notebook()))
    district = burnley.districts[0]
    as_overview = OverviewArea(**{f: getattr(district, f) for f in OVERVIEW_FIELDS})
    with monkeypatch.context() as m:
        m.setattr(sections, "rank_priorities", _refuse)
        for params in (district, as_overview):  # a plain Pack; the overview's model
            plain = model.load_pack(params)
            assert_frame_equal(sections.ranked_priorities(plain), ranked, check_exact=True)

    pair = resolve_partnership("chorley-and-south-ribble")
    combined = sections.ranked_priorities(load_partnership_pack(pair.to_notebook()))
    alone = sections.ranked_priorities(model.load_pack(pair.districts[0]))  # computed
    assert not alone.equals(combined)


def test_a_result_whose_computing_warned_is_shown_but_not_shared(folder):
    import warnings

    def warns():
        warnings.warn("a warning the page shows", UserWarning, stacklevel=1)
        return 1

    for _ in range(2):  # each page computes it, and so shows the warning
        with pytest.warns(UserWarning, match="the page shows"):
            assert shared.remember("x", {"a": 1}, warns) == 1
    assert not list(folder.glob("*.pickle"))


def test_an_unreadable_result_is_computed_again(folder):
    compute, _ = _counter()
    shared.remember("x", {"a": 1}, compute)
    [stored] = folder.glob("*.pickle")
    stored.write_bytes(b"not a pickle")
    assert shared.remember("x", {"a": 1}, compute) == {"computed": 2}


def test_a_combined_frame_is_never_taken_for_the_snapshot_as_loaded(folder, monkeypatch):
    pair = load_partnership_pack(resolve_partnership("chorley-and-south-ribble").to_notebook())
    assert pair.combined and not model.as_loaded(pair.frame)
    stored = set(folder.glob("headline-*.pickle"))  # its members' own, as loaded
    district = resolve_partnership("burnley").districts[0]
    model.area_headline(pair.frame, pair.catalogue, district, pair.manifest, pair.snapshot)
    assert set(folder.glob("headline-*.pickle")) == stored
