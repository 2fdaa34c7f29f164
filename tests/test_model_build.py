"""The model step (hwb.model.build): computed once, written as files, read back the same."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from hwb import model as hm
from hwb.model.build import MANIFEST, inputs_of, serves
from hwb.partnerships import OverviewPartnership, resolve_partnership


@pytest.fixture(scope="module")
def burnley():
    return resolve_partnership("burnley")


@pytest.fixture(scope="module")
def written(tmp_path_factory, burnley):
    root = tmp_path_factory.mktemp("models")
    return root, hm.load(burnley, "data/snapshot", root=root)


def _refuse(*args):
    raise AssertionError("the model was computed, not read")


def test_a_model_is_written_and_read_back_without_computing(written, burnley):
    root, model = written
    folder = root / "burnley"
    manifest = json.loads((folder / MANIFEST).read_text())
    assert sorted(manifest["tables"]) == sorted(model.tables)
    for entry in manifest["tables"].values():
        assert (folder / entry["file"]).is_file()
    again = hm.load(burnley, "data/snapshot", root=root, compute=_refuse)
    for name, table in model.tables.items():
        pd.testing.assert_frame_equal(again.tables[name], table)
    assert again.inputs == model.inputs and again.areas == model.areas


def test_the_model_is_computed_again_when_an_input_changes(written, burnley):
    root, _ = written
    heavier = burnley.model_copy(
        update={
            "districts": [
                burnley.districts[0].model_copy(
                    update={
                        "priority_weights": burnley.districts[0].priority_weights.model_copy(
                            update={"trend": 9.0}
                        )
                    }
                )
            ]
        }
    )
    computed = []

    def compute(*args):
        computed.append(True)
        return hm.build(*args)

    changed = hm.load(heavier, "data/snapshot", root=root / "other", compute=compute)
    assert computed and changed.inputs["parameters"] != written[1].inputs["parameters"]
    with pytest.raises(AssertionError, match="computed, not read"):
        hm.load(heavier, "data/snapshot", root=root, compute=_refuse)


def test_a_table_changed_after_writing_is_not_read(tmp_path, burnley, written):
    root, model = written
    copy = tmp_path / "burnley"
    copy.mkdir()
    for path in (root / "burnley").iterdir():
        (copy / path.name).write_bytes(path.read_bytes())
    (copy / "priorities.csv").write_text("rank\n1\n")
    assert hm.read(copy, model.inputs, burnley) is None


def test_a_partnerships_model_serves_the_overview_when_the_settings_it_reads_agree(
    written, burnley
):
    from hwb.params import overview_area

    _, model = written
    overview = OverviewPartnership(
        slug="burnley", name=burnley.name, districts=[overview_area(burnley.districts[0])]
    )
    wanted = {**model.inputs, "parameters": inputs_of(overview, {})["parameters"]}
    assert serves(model.inputs, wanted, overview)
    other = overview.model_copy(
        update={
            "districts": [overview.districts[0].model_copy(update={"recommended_priorities": 1})]
        }
    )
    assert not serves(model.inputs, wanted, other)
    assert not serves({**model.inputs, "catalogue": "changed"}, wanted, overview)


def test_the_numbers_table_holds_each_headline_value_at_its_period(written):
    _, model = written
    numbers, headline = model.tables["numbers"], model.tables["headline"]
    latest = numbers[numbers["latest"]]
    shown = headline[headline["status"] == "ok"]
    assert len(latest) == len(shown)
    merged = latest.merge(
        shown,
        left_on=["indicator_id", "sex", "period"],
        right_on=["indicator_id", "sex", "period"],
        suffixes=("", "_h"),
    )
    assert len(merged) == len(shown)
    pd.testing.assert_series_equal(merged["value"], merged["value_h"], check_names=False, rtol=1e-9)
    assert (merged["judgement"] == merged["compared_95"]).all()
    assert set(numbers["area_code"]) == {"E07000117"}


def _nudged(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every float a few units in the last place larger: what another CPU's
    or BLAS's arithmetic does to the values a model computes from (ties stay ties)."""
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_float_dtype(out[column]):
            out[column] = out[column] * (1 + 2.0**-50)
    out.attrs = dict(frame.attrs)
    return out


# A two-district partnership: its model holds each member's tables, worked out as a
# one-district pack's are, and the combined area's.
@pytest.mark.parametrize("slug", ["fylde-and-wyre"])
def test_a_models_files_do_not_depend_on_the_last_bits_of_its_inputs(slug):
    """Issue 25's guard at the model's boundary: every table a page reads is written to ten
    significant digits (hwb.model.tables), so values a few ulps apart give the same files."""
    import sys

    from hwb.data.load import load_manifest

    model_build = sys.modules["hwb.model.build"]  # the module (hwb.model.build is the function)
    grouping = resolve_partnership(slug)
    plain = hm.build(grouping, "data/snapshot")
    source = model_build.resolve_snapshot("data/snapshot")
    frame = model_build._snapshot_frame(source, load_manifest(source))
    with pytest.MonkeyPatch.context() as patch, model_build.computed_afresh():
        patch.setattr(model_build, "_snapshot_frame", lambda source, manifest: _nudged(frame))
        nudged = hm.build(grouping, "data/snapshot")  # behind the manifest: never a kept model
    assert set(plain.files) == set(nudged.files)
    changed = [name for name in plain.files if plain.files[name][0] != nudged.files[name][0]]
    assert changed == []
