"""The shipped snapshot with every series' fitness, worked out once for the stats tests that
read real values (fitness, findings, priorities)."""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from hwb.data.catalogue import declared_breaks, load_catalogue
from hwb.data.load import load_snapshot
from hwb.data.periods import with_period_end
from hwb.stats.fitness import series_fitness


@lru_cache(maxsize=1)
def real_fitness() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(snapshot frame, catalogue, fitness of every series); callers must not modify them."""
    frame = load_snapshot()
    catalogue = load_catalogue()
    fitness = series_fitness(
        with_period_end(frame, catalogue["period_type"]), catalogue, declared_breaks()
    )
    return frame, catalogue, fitness
