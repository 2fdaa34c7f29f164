"""Planning a build validates everything first: the whole parameter set (for one district
as for all), the table of contents, that each district has rows in the snapshot, and warns
about snapshot indicators the catalogue does not list. Nothing is executed here."""

from __future__ import annotations

import logging
import shutil

import pytest
import render_support as support
import yaml

from hwb import params, paths
from hwb.errors import BadParameter, HwbError
from hwb.render import pipeline

project = support.project  # the fixture: a temporary project root


def _set(slug: str, **changes) -> None:
    path = paths.PARAMETERS / f"{slug}.yml"
    data = yaml.safe_load(path.read_text())
    data.update(changes)
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def test_a_valid_district_plans_its_pack_and_summary(project):
    pack, summary = pipeline.plan(["burnley"], overview=False)
    assert (pack.slug, summary.slug) == ("burnley", "burnley-summary")
    assert (
        summary.template == paths.SUMMARY_TEMPLATE
        and summary.output == paths.SUMMARY_PAGES / "burnley.ipynb"
    )


def test_an_ons_code_with_no_rows_in_the_snapshot_is_an_error_naming_code_and_snapshot(project):
    _set("burnley", ons_code="E07000999")
    with pytest.raises(HwbError) as err:
        pipeline.plan(["burnley"], overview=False)
    message = str(err.value)
    assert "ons_code E07000999 (Burnley) has no rows in the snapshot data/snapshot" in message
    assert message.startswith("parameters/burnley.yml: ")


def test_a_bare_csv_snapshot_is_checked_too(project, tmp_path):
    csv = tmp_path / "extract.csv"
    csv.write_text("Indicator ID,Area Code\n1,E07000118\n1,E07000126\n")
    with pytest.raises(HwbError, match=rf"E07000117 \(Burnley\) has no rows in the snapshot {csv}"):
        pipeline.plan(["burnley"], csv, overview=False)
    # a district builds its partnership's pack, which needs every member's rows
    assert [j.slug for j in pipeline.plan(["chorley"], csv, overview=False)] == [
        "chorley-and-south-ribble",
        "chorley-and-south-ribble-summary",
    ]


def test_one_district_build_refuses_a_duplicate_ons_code_elsewhere(project):
    _set("wyre", ons_code="E07000117")  # wyre now claims burnley's code
    with pytest.raises(
        BadParameter, match=r"wyre\.yml: key 'ons_code' E07000117 is also used by burnley\.yml"
    ):
        pipeline.plan(["burnley"], overview=False)


def test_one_district_build_refuses_a_district_missing_from_the_table_of_contents(project):
    toc = paths.ROOT / "_toc.yml"
    toc.write_text(toc.read_text().replace("      - file: book/districts/burnley\n", ""))
    with pytest.raises(
        BadParameter,
        match=r"no page for partnership 'burnley'; add `- file: book/districts/burnley`",
    ):
        pipeline.plan(["burnley"], overview=False)


def test_the_cli_stops_a_one_district_build_before_anything_runs(project, capsys):
    from hwb.cli import main

    _set("fylde", ons_code="E07000117")
    assert main(["district", "burnley"]) == 2
    err = capsys.readouterr().err
    assert "is also used by" in err
    assert not (paths.BUILD / "run-manifest.json").exists()


def test_a_snapshot_indicator_missing_from_the_catalogue_is_warned(project, caplog):
    folder = paths.SNAPSHOT
    manifest = yaml.safe_load((folder / "manifest.yml").read_text())
    manifest["files"][0]["indicators"] = [90366, 12345]
    (folder / "manifest.yml").write_text(yaml.safe_dump(manifest, sort_keys=False))
    paths.CATALOGUE.write_text("indicators:\n  90366:\n    short_name: Life expectancy\n")
    with caplog.at_level(logging.WARNING, logger="hwb.render"):
        assert pipeline.warn_uncatalogued(folder) == [12345]
        pipeline.plan(["burnley"], overview=False)
    assert "indicator(s) 12345 that data/catalogue.yml does not list" in caplog.text


def _regroup(root, merged: str, into: str) -> str:
    """Merge district ``merged`` into ``into``'s partnership, as a person would: in
    partnerships.yml, both district files and _toc.yml. Returns the new partnership's slug."""
    slug = f"{into}-and-{merged}"
    name = f"{into.title()} and {merged.title()} Health and Wellbeing Partnership"
    path = root / "parameters" / "partnerships.yml"
    data = yaml.safe_load(path.read_text())
    groups = [g for g in data["partnerships"] if g["slug"] != merged]
    for group in groups:
        if group["slug"] == into:
            group.update(slug=slug, name=name, districts=[into, merged])
    path.write_text(yaml.safe_dump({"partnerships": groups}, sort_keys=False))
    for district in (into, merged):
        _set(district, partnership=name)
    toc = root / "_toc.yml"
    text = toc.read_text().replace(f"      - file: book/districts/{merged}\n", "")
    text = text.replace(f"      - file: book/summaries/{merged}\n", "")
    toc.write_text(text.replace(f"/{into}\n", f"/{slug}\n"))
    return slug


def _rendered_overview(root) -> None:
    """book/overview.ipynb as Papermill leaves it: its parameters in the notebook metadata."""
    import json

    job = pipeline.overview_job()
    notebook = {
        "cells": [],
        "metadata": {"papermill": {"parameters": job.parameters}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    (root / "book" / "overview.ipynb").write_text(json.dumps(notebook))


def test_a_regrouping_renders_the_overview_with_a_one_pack_build(project, caplog):
    support.small_template(project / "notebooks" / "overview.ipynb")
    codes = {d.slug: [d.ons_code] for d in params.load_all()}
    shutil.rmtree(project / "data" / "snapshot")
    support.write_snapshot(project / "data" / "snapshot", {f"{s}.csv": c for s, c in codes.items()})
    assert pipeline.regrouped_overview() is None  # no rendered overview: nothing to keep current
    _rendered_overview(project)
    assert [j.slug for j in pipeline.plan(["burnley"], overview=False)] == [
        "burnley",
        "burnley-summary",
    ]
    slug = _regroup(project, "hyndburn", "burnley")
    with caplog.at_level(logging.WARNING, logger="hwb.render"):
        jobs = pipeline.plan(["burnley"], overview=False)
    assert [j.slug for j in jobs] == [slug, f"{slug}-summary", "overview"]
    overview = jobs[-1]
    assert overview.snapshot == paths.SNAPSHOT
    listed = [g["slug"] for g in overview.parameters["partnerships"]]
    assert slug in listed and "hyndburn" not in listed and "burnley" not in listed
    assert (
        "the partnerships in parameters/partnerships.yml are not the ones the overview lists"
        in (caplog.text)
    )
    _rendered_overview(project)  # once rendered with the new grouping, a pack builds alone again
    assert [j.slug for j in pipeline.plan(["burnley"], overview=False)] == [slug, f"{slug}-summary"]
