"""The indicator catalogue: complete, valid, and consistent with the real Lancashire extract."""

from __future__ import annotations

import pytest

from hwb import paths
from hwb.data.catalogue import PROGRAMMES, catalogue_entry, load_catalogue
from hwb.errors import DataInvalid

# The issue's required topics, each with the Fingertips id that covers it.
REQUIRED = {
    "life expectancy": 90366,
    "healthy life expectancy": 90362,
    "inequality in life expectancy": 92901,
    "infant mortality": 92196,
    "smoking at delivery": 93085,
    "breastfeeding": 92517,
    "Reception obesity": 92026,
    "Year 6 obesity": 92033,
    "children in low-income families": 93701,
    "under-18 conceptions": 20401,
    "adult smoking": 92443,
    "physical inactivity": 93015,
    "adult overweight": 93088,
    "alcohol admissions": 91414,
    "alcohol mortality": 93763,
    "suicide": 41001,
    "preventable CVD": 93722,
    "preventable cancer": 93723,
    "preventable respiratory": 93724,
    "self-harm": 21001,
    "falls 65+": 22401,
    "hip fractures 65+": 41401,
    "dementia diagnosis": 92949,
    "emergency readmissions": 41101,
    "social contact": 90280,
    "care-home admissions 65+": 1194,
    "reablement 91 days": 90584,
    "deprivation": 93553,
    "fuel poverty": 90356,
    "employment gap": 90282,
}


def test_catalogue_shape_and_required_topics():
    catalogue = load_catalogue()
    assert len(catalogue) >= 30
    assert catalogue.index.dtype == "int64" and catalogue.index.is_unique
    missing = {topic: iid for topic, iid in REQUIRED.items() if iid not in catalogue.index}
    assert not missing
    assert set(catalogue["programme"]) == set(PROGRAMMES)
    assert not catalogue.loc[90362, "district_level"]  # HLE is published for counties only
    assert (
        catalogue.loc[93085, "ci_method"] == "wilson"
        and catalogue.loc[41001, "ci_method"] == "dobson"
    )


def test_catalogue_names_match_the_real_extract_where_it_has_them():
    if not paths.REAL_EXTRACT.is_file():
        pytest.skip("real extract not available")
    from hwb.data.load import load_snapshot

    frame = load_snapshot(paths.REAL_EXTRACT)
    catalogue = load_catalogue()
    shared = sorted(set(frame["indicator_id"]) & set(catalogue.index))
    assert len(shared) >= 8
    for iid in shared:
        entry = catalogue.loc[iid]
        rows = frame[
            (frame.indicator_id == iid)
            & (frame.category_type == "")
            & (frame.sex == entry["sex"])
            & (frame.age == entry["age"])
        ]
        assert rows.area_code.nunique() == 14, iid  # headline breakdown exists for every area


def test_a_typo_names_the_indicator_and_field(tmp_path):
    bad = tmp_path / "catalogue.yml"
    text = paths.CATALOGUE.read_text(encoding="utf-8").replace(
        "polarity: low_is_good", "polarity: low_is_bad", 1
    )
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(DataInvalid, match=r"catalogue\.yml, indicator 92901: field 'polarity'"):
        load_catalogue(bad)


def test_unknown_indicator_is_named():
    with pytest.raises(DataInvalid, match="indicator 999999 is not in the catalogue"):
        catalogue_entry(999999)


def test_goals_and_outcome_links_from_the_issue():
    """Dementia diagnosis is judged against the 66.7% national ambition; life expectancy at 65
    is not "healthy life expectancy"; the SII is not compared with England (local vs national deciles)."""
    catalogue = load_catalogue()
    assert catalogue.loc[92949, "goal"] == pytest.approx(66.7)
    assert catalogue["goal"].drop(92949).isna().all()
    assert "healthy" not in catalogue.loc[91102, "outcome"]
    assert catalogue.loc[92901, "benchmark"] == "none"
