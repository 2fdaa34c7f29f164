"""The small-area tables the assembly writes: the IoD2025 population weights are checked
against MHCLG's published district averages before the current-ward files are written."""

from __future__ import annotations

import pytest

from hwb import paths
from hwb.data.assemble import sources, wards
from hwb.errors import DataInvalid


def test_the_iod2025_weights_must_reproduce_mhclgs_district_averages(monkeypatch):
    small = paths.SHARED_DATA / "small_areas"
    if not (small / "humaniverse_IMD" / "imd2025_england_lsoa21.rda").is_file():
        pytest.skip("../shared/data (the public sources) is absent")
    spec = sources.load_sources()
    where = {
        f"{s}.{f}": paths.SHARED_DATA / entry["local"]
        for s, source in spec["small_areas"]["sources"].items()
        for f, entry in source["files"].items()
    }
    imd = wards._lsoa21_deprivation(
        where["humaniverse_imd.lsoa21_2025"], where["humaniverse_imd.lsoa21_2025_indicators"]
    )
    lookup = where["ons_lookups_2023.lsoa21_ward23"]
    wards._check_iod2025_weights(paths.SHARED_DATA, spec, imd, lookup)  # within 0.25
    monkeypatch.setattr(wards, "IOD2025_DISTRICT_TOLERANCE", 0.01)
    with pytest.raises(DataInvalid, match=r"averages .* against MHCLG's published"):
        wards._check_iod2025_weights(paths.SHARED_DATA, spec, imd, lookup)
