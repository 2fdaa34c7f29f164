"""The headline table against the real Lancashire extract, read independently with pandas."""

from __future__ import annotations

import pandas as pd
import pytest

from hwb import params
from hwb.pages.model import NOT_DISTRICT_LEVEL, NOT_IN_SNAPSHOT, OK, load_pack


@pytest.fixture(scope="module")
def burnley(request):
    from hwb import paths

    if not paths.REAL_EXTRACT.is_file():
        pytest.skip(f"real extract not available at {paths.REAL_EXTRACT}")
    raw = pd.read_csv(paths.REAL_EXTRACT, dtype=str, keep_default_na=False)
    return load_pack(params.load_district("burnley").to_notebook(), paths.REAL_EXTRACT), raw


def _raw_value(raw, indicator, area, sex, age, period):
    rows = raw[
        (raw["Indicator ID"] == str(indicator))
        & (raw["Area Code"] == area)
        & (raw["Sex"] == sex)
        & (raw["Age"] == age)
        & (raw["Time period"] == period)
        & (raw["Category Type"] == "")
    ]
    return float(rows["Value"].iloc[0])


def test_headline_values_are_the_extracts_latest_published_values(burnley):
    pack, raw = burnley
    row = pack.headline.set_index("indicator_id").loc[93085]  # smoking at time of delivery
    latest = raw[(raw["Indicator ID"] == "93085") & (raw["Area Code"] == "E07000117")]
    latest_period = latest.sort_values("Time period Sortable")["Time period"].iloc[-1]
    assert row["period"] == latest_period
    assert row["value"] == pytest.approx(
        _raw_value(raw, 93085, "E07000117", "Female", "All ages", latest_period)
    )
    assert row["england_value"] == pytest.approx(
        _raw_value(raw, 93085, "E92000001", "Female", "All ages", latest_period)
    )
    assert row["county_value"] == pytest.approx(
        _raw_value(raw, 93085, "E10000017", "Female", "All ages", latest_period)
    )
    assert row["districts_n"] == 12


def test_benchmark_labels_follow_the_published_intervals(burnley):
    pack, _ = burnley
    judged = pack.headline[
        (pack.headline["status"] == OK)
        & pack.headline["lower_95"].notna()
        & (pack.headline["polarity"] == "low_is_good")
        & pack.headline["testable"]
        & ~pack.headline["fresh_break"]
    ]
    assert len(judged) >= 3
    # estimates, old series and a value first after a declared break are not compared (issue 27)
    unfit = pack.headline[
        (pack.headline["status"] == OK)
        & (~pack.headline["testable"] | pack.headline["fresh_break"])
    ]
    assert len(unfit) and unfit["compared_95"].eq("Not compared").all()
    for _, r in judged.iterrows():
        if r["lower_95"] > r["england_value"]:
            assert r["compared_95"] == "Worse"
        elif r["upper_95"] < r["england_value"]:
            assert r["compared_95"] == "Better"
        else:
            assert r["compared_95"] == "Similar"
    # the real extract has no 99.8% limits: only rows with a count and denominator are judged
    # at 99.8% (limits computed from those counts); nothing else is
    at_998 = pack.headline[pack.headline["compared_998"] != "Not compared"]
    assert len(at_998) and at_998["count"].notna().all() and at_998["denominator"].notna().all()


def test_missing_indicators_say_why(burnley):
    pack, _ = burnley
    status = pack.headline.drop_duplicates("indicator_id").set_index("indicator_id")["status"]
    assert status.loc[90362] == NOT_DISTRICT_LEVEL  # healthy life expectancy: counties only
    assert status.loc[90366] == NOT_IN_SNAPSHOT  # life expectancy is not in the extract
    assert (status == OK).sum() >= 8


# --------------------------------------------------------------------------- typed parameters
def test_the_pack_receives_the_validated_model_not_a_dict(burnley):
    """The notebook's JSON is validated back into the model by load_pack; pages read attributes."""
    pack, _ = burnley
    assert type(pack.params) is params.DistrictParams
    assert pack.params == params.load_district("burnley")
    assert (pack.code, pack.county_name, pack.england_code) == (
        pack.params.ons_code,
        pack.params.county_name,
        pack.params.england_code,
    )


def test_bad_notebook_json_is_refused_before_anything_loads():
    from pydantic import ValidationError

    given = params.load_district("burnley").to_notebook()
    with pytest.raises(ValidationError, match="county_name"):
        load_pack({k: v for k, v in given.items() if k != "county_name"})


def test_a_partnership_pack_holds_the_partnership_model_and_its_area(real_extract):
    from hwb.pages.partnership import load_partnership_pack
    from hwb.partnerships import PartnershipParams, resolve_partnership

    partnership = resolve_partnership("fylde-and-wyre")
    pack = load_partnership_pack(partnership.to_notebook(), real_extract)
    assert type(pack.partnership) is PartnershipParams and pack.partnership == partnership
    assert pack.params == partnership.area and type(pack.params) is params.AreaParams
    assert [type(m.params) for m in pack.members] == [params.DistrictParams] * 2
    assert pack.code == "E07000119+E07000128" and pack.partnership_name == partnership.name


def test_the_defaults_file_and_schema_are_what_the_pack_uses(params_dir, real_extract):
    """Change a shared default (defaults.yml, validated by the schema): the pack follows, and
    a weight left out takes the schema's value, not 0."""
    import yaml

    from hwb.model.priorities import sensitivity
    from hwb.pages import sections
    from hwb.pages.partnership import load_partnership_pack
    from hwb.partnerships import resolve_partnership

    path = params_dir / "defaults.yml"
    data = yaml.safe_load(path.read_text())
    data.update(horizons=[2031, 2041], recommended_priorities=1)
    path.write_text(yaml.safe_dump(data))
    pack = load_partnership_pack(
        resolve_partnership("burnley", params_dir).to_notebook(), real_extract
    )
    assert pack.params.horizons == [2031, 2041] and pack.params.recommended_priorities == 1
    assert sections.recommended_priorities(pack)["recommended"].sum() == 1
    assert sorted(set(sections.projections(pack)["horizon"])) == [2031, 2041]
    schema = params.PriorityWeights()
    ranked = pack.table("priorities")
    assert sensitivity(ranked, {}).equals(sensitivity(ranked, schema))
    assert sensitivity(ranked, {"gap": 5}).equals(
        sensitivity(ranked, schema.model_copy(update={"gap": 5.0}))
    )
