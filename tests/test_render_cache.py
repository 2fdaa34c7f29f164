"""The content-hash cache decides what is stale without running anything."""

from __future__ import annotations

import nbformat
import pytest
import render_support as support
from render_support import change_file, small_template

from hwb import params, paths
from hwb.render import cache
from hwb.render.execute import district_job

project = support.project  # the fixture: a temporary project root

# One-district partnerships, so each page is one district's (see parameters/partnerships.yml).
SLUGS = ["burnley", "hyndburn", "lancaster"]


def _jobs():
    return [district_job(params.load_district(s)) for s in SLUGS]


def _keys(jobs):
    printer = cache.Fingerprinter()
    return {j.slug: printer.fingerprint(j) for j in jobs}


def _record_all(jobs):
    """Pretend every job rendered: write an output file and record it."""
    index = cache.CacheIndex()
    printer = cache.Fingerprinter()
    for job in jobs:
        job.output.parent.mkdir(parents=True, exist_ok=True)
        job.output.write_text(f"rendered {job.slug}\n")
        index.record(job, printer.fingerprint(job))
    return index


def _actions(jobs, force=False):
    index = cache.CacheIndex()
    printer = cache.Fingerprinter()
    return {j.slug: index.decide(j, printer.fingerprint(j), force) for j in jobs}


def test_nothing_changed_means_cached_and_force_executes(project):
    _record_all(_jobs())
    assert {s: d.action for s, d in _actions(_jobs()).items()} == dict.fromkeys(SLUGS, "cached")
    forced = _actions(_jobs(), force=True)
    assert {d.action for d in forced.values()} == {"execute"}
    assert "forced" in forced["burnley"].reasons[0]


def test_changing_one_districts_parameters_invalidates_only_it(project):
    _record_all(_jobs())
    path = project / "parameters" / "hyndburn.yml"
    path.write_text(path.read_text().replace("name: Hyndburn", "name: Hyndburn Borough"))
    decisions = _actions(_jobs())
    assert {s: d.action for s, d in decisions.items()} == {
        "burnley": "cached",
        "hyndburn": "execute",
        "lancaster": "cached",
    }
    assert decisions["hyndburn"].reasons == ["parameters changed"]


def test_data_file_change_invalidates_exactly_the_pages_that_read_it(project):
    # The template declares it reads its district, county and England rows.
    small_template(paths.DISTRICT_TEMPLATE, reads=["district", "county", "england"])
    _record_all(_jobs())
    change_file(paths.SNAPSHOT, "hyndburn.csv")
    decisions = _actions(_jobs())
    assert {s: d.action for s, d in decisions.items()} == {
        "burnley": "cached",
        "hyndburn": "execute",
        "lancaster": "cached",
    }
    assert decisions["hyndburn"].reasons == ["data files changed: hyndburn.csv"]
    # A file every district reads (England's) invalidates all of them.
    _record_all(_jobs())
    change_file(paths.SNAPSHOT, "england.csv")
    assert {d.action for d in _actions(_jobs()).values()} == {"execute"}


def test_without_a_declaration_every_file_counts(project):
    _record_all(_jobs())
    change_file(paths.SNAPSHOT, "hyndburn.csv")
    assert {d.action for d in _actions(_jobs()).values()} == {"execute"}


def test_manifest_with_area_counts_falls_back_to_all_files():
    files = [
        {"name": "a.csv", "sha256": "1", "areas": 274},
        {"name": "b.csv", "sha256": "2"},
        {"name": "c.csv", "sha256": "3", "areas": ["E07000117"]},
    ]
    assert cache.files_read(files, frozenset({"E07000118"})) == {"a.csv": "1", "b.csv": "2"}
    assert cache.files_read(files, None) == {"a.csv": "1", "b.csv": "2", "c.csv": "3"}


def test_markdown_only_edit_keeps_the_execution_key(project):
    before = _keys(_jobs())
    small_template(paths.DISTRICT_TEMPLATE, extra_markdown="\n\nA new sentence.")
    after = _keys(_jobs())
    for slug in SLUGS:
        assert after[slug].execution_key == before[slug].execution_key
        assert after[slug].render_key != before[slug].render_key
    _record_all(_jobs())
    small_template(paths.DISTRICT_TEMPLATE, extra_markdown="\n\nAnother sentence.")
    assert {d.action for d in _actions(_jobs()).values()} == {"rerender"}


def test_code_edit_changes_the_execution_key(project):
    before = _keys(_jobs())
    nb = nbformat.read(str(paths.DISTRICT_TEMPLATE), as_version=4)
    nb.cells[-1].source += "\nprint('one more line')"
    nbformat.write(nb, str(paths.DISTRICT_TEMPLATE))
    after = _keys(_jobs())
    assert all(after[s].execution_key != before[s].execution_key for s in SLUGS)
    assert after["burnley"].parts["template_code"] != before["burnley"].parts["template_code"]
    assert after["burnley"].parts["parameters"] == before["burnley"].parts["parameters"]


def test_a_damaged_or_missing_output_is_rebuilt(project):
    jobs = _jobs()
    _record_all(jobs)
    jobs[0].output.write_text("edited by hand\n")
    jobs[1].output.unlink()
    decisions = _actions(jobs)
    assert decisions["burnley"].reasons == ["output burnley.ipynb changed on disk"]
    assert decisions["hyndburn"].reasons == ["output hyndburn.ipynb is missing"]
    assert decisions["lancaster"].action == "cached"


def test_source_and_lock_are_part_of_the_key(project):
    key = _keys(_jobs())["burnley"]
    assert set(key.parts) >= {
        "template_code",
        "parameters",
        "data_files",
        "data_manifest",
        "hwb_source",
        "lock",
        "catalogue",
        "python",
    }
    (project / "requirements.lock").write_text("pandas==0.0\n")
    assert _keys(_jobs())["burnley"].parts["lock"] != key.parts["lock"]


@pytest.mark.parametrize("reads", [["all"], "all", ["district", "somewhere"]])
def test_unknown_or_all_reads_mean_every_file(reads):
    assert (
        cache.area_codes(reads if isinstance(reads, list) else [reads], {"ons_code": "E07000117"})
        is None
    )


def test_overview_depends_only_on_the_district_fields_it_reads():
    """A district's partnership name or horizons do not re-execute the overview (its wards do:
    the overview lists every district's priority wards)."""
    from hwb.render.pipeline import OVERVIEW_FIELDS, overview_job

    districts = overview_job().parameters["districts"]
    assert len(districts) == 12
    assert all(set(d) == set(OVERVIEW_FIELDS) for d in districts)
    assert "partnership" not in OVERVIEW_FIELDS and "horizons" not in OVERVIEW_FIELDS
    assert {"priority_weights", "priority_wards"} <= set(OVERVIEW_FIELDS)


@pytest.mark.parametrize("damage", ["flip a byte", "delete a listed file", "add an unlisted file"])
def test_a_snapshot_changed_behind_the_manifest_stops_the_build_instead_of_hitting_the_cache(
    project, damage
):
    from hwb.errors import SnapshotMismatch
    from hwb.render import pipeline

    _record_all(_jobs())
    target = paths.SNAPSHOT / "chorley.csv"
    if damage == "flip a byte":
        data = bytearray(target.read_bytes())
        data[0] ^= 0x01
        target.write_bytes(bytes(data))
    elif damage == "delete a listed file":
        target.unlink()
    else:
        (paths.SNAPSHOT / "extra.csv").write_text("Area Code\nE07000117\n")
    with pytest.raises(SnapshotMismatch, match=r"chorley\.csv|extra\.csv"):
        _actions(_jobs())
    with pytest.raises(SnapshotMismatch):
        pipeline.run(_jobs(), progress=False)


def test_the_cli_reports_a_tampered_snapshot_in_one_line_and_exits_non_zero(project, capsys):
    from hwb.cli import main

    _record_all(_jobs())
    (paths.SNAPSHOT / "england.csv").write_text("Area Code\nE92000001\nE06000001\n")
    assert main(["build", *SLUGS, "--no-book"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and "england.csv" in err and len(err.splitlines()) == 1


def test_a_noop_build_checks_every_file_and_stays_under_a_second(project):
    import time

    from hwb.render import pipeline

    _record_all(_jobs())
    start = time.perf_counter()
    results = pipeline.run(_jobs(), progress=False)
    assert [r.status for r in results] == ["cached"] * 3
    assert time.perf_counter() - start < 1.0


def test_a_partnership_page_reads_every_member_districts_files():
    member = {"ons_code": "E07000118", "parent_code": "E10000017", "england_code": "E92000001"}
    partnership = {"slug": "x", "districts": [member, {**member, "ons_code": "E07000126"}]}
    assert cache.area_codes(["district", "england"], partnership) == {
        "E07000118",
        "E07000126",
        "E92000001",
    }
    # Parameters that give no code for a declared role mean every file, never none.
    assert cache.area_codes(["district"], {"slug": "x", "name": "no codes"}) is None
    assert cache.area_codes(["district"], {"districts": [{"ons_code": None}]}) is None


def test_each_page_is_kept_as_it_is_recorded_and_the_index_is_compacted_once(project):
    """Recording appends one journal line (an interrupted build keeps its finished pages);
    compacting writes the index once and drops the journal; a line cut short is ignored."""
    jobs = _jobs()
    index = _record_all(jobs)
    assert not index.path.exists() and len(index.journal.read_text().splitlines()) == len(jobs)
    assert set(cache.CacheIndex().entries) == {str(j.output) for j in jobs}  # read back
    index.forget(jobs[0])
    with index.journal.open("a") as journal:
        journal.write('{"output": "cut short')  # an append interrupted mid-line
    assert set(cache.CacheIndex().entries) == {str(j.output) for j in jobs[1:]}
    index.compact()
    assert index.path.exists() and not index.journal.exists()
    assert set(cache.CacheIndex().entries) == {str(j.output) for j in jobs[1:]}
    assert {s: d.action for s, d in _actions(jobs[1:]).items()} == dict.fromkeys(
        [j.slug for j in jobs[1:]], "cached"
    )


def test_pages_start_longest_first_untimed_first_and_the_overview_before_them(project):
    """A build starts its longest pages first (by their last time), so it does not end with one
    long page on one core; pages never timed go first: the overview, then the packs, then the
    summaries."""
    from hwb.partnerships import partnership_of
    from hwb.render.execute import summary_job
    from hwb.render.pipeline import longest_first, overview_job

    jobs = _jobs()
    index = cache.CacheIndex()
    printer = cache.Fingerprinter()
    for job, seconds in zip(jobs, (1.5, 4.0), strict=False):
        job.output.parent.mkdir(parents=True, exist_ok=True)
        job.output.write_text("rendered\n")
        index.record(job, printer.fingerprint(job), seconds)
    overview = overview_job()
    summaries = [summary_job(partnership_of(s)) for s in SLUGS]
    order = longest_first([*summaries, *jobs, overview], cache.CacheIndex())
    untimed = [j for j in jobs if index.last_seconds(j) is None]
    assert order == [overview, *untimed, *summaries, jobs[1], jobs[0]]
    index.record(jobs[1], printer.fingerprint(jobs[1]))  # re-recorded without a time: kept
    assert cache.CacheIndex().last_seconds(jobs[1]) == 4.0
