"""What the demonstration data are drawn from: the areas and each indicator's :class:`Spec`.

The twelve districts with a population, a deprivation position (east Lancashire at the
deprived end) and a share aged 65+; Lancashire and England; the breakdowns the generator
writes (deprivation deciles, five-year age bands); and ``SPECS``, typical English levels,
gradients, spreads and trends per catalogue indicator, not derived from any real extract.
"""

from __future__ import annotations

from dataclasses import dataclass

DISTRICT_TYPE = "Districts & UAs (from Apr 2023)"
COUNTY_TYPE = "Counties & UAs (from Apr 2023)"
DECILES_ENGLAND = "District & UA deprivation deciles in England (IMD2019)"
DECILES_WITHIN = "LSOA11 deprivation deciles within area (IMD2019)"
DECILE_LABELS = (
    "Most deprived decile (IMD2019)",
    "Second most deprived decile (IMD2019)",
    "Third more deprived decile (IMD2019)",
    "Fourth more deprived decile (IMD2019)",
    "Fifth more deprived decile (IMD2019)",
    "Fifth less deprived decile (IMD2019)",
    "Fourth less deprived decile (IMD2019)",
    "Third less deprived decile (IMD2019)",
    "Second least deprived decile (IMD2019)",
    "Least deprived decile (IMD2019)",
)
AGE_BANDS = tuple(f"{a}-{a + 4} yrs" for a in range(0, 90, 5)) + ("90+ yrs",)


@dataclass(frozen=True)
class Area:
    code: str
    name: str
    area_type: str
    parent: str
    population: float  # latest year, all ages
    deprivation: float  # 0 = least deprived, 1 = most deprived
    older: float  # share aged 65+


# name, code, population (latest), deprivation position, share 65+ (typical, rounded).
DISTRICTS: tuple[Area, ...] = tuple(
    Area(code, name, DISTRICT_TYPE, "E10000017", pop, dep, old)
    for code, name, pop, dep, old in (
        ("E07000117", "Burnley", 95_500, 0.97, 0.18),
        ("E07000118", "Chorley", 118_000, 0.42, 0.20),
        ("E07000119", "Fylde", 82_000, 0.33, 0.29),
        ("E07000120", "Hyndburn", 82_500, 0.92, 0.18),
        ("E07000121", "Lancaster", 144_000, 0.62, 0.20),
        ("E07000122", "Pendle", 97_000, 0.88, 0.18),
        ("E07000123", "Preston", 150_000, 0.85, 0.15),
        ("E07000124", "Ribble Valley", 62_000, 0.12, 0.26),
        ("E07000125", "Rossendale", 71_500, 0.72, 0.19),
        ("E07000126", "South Ribble", 112_000, 0.35, 0.22),
        ("E07000127", "West Lancashire", 118_000, 0.55, 0.23),
        ("E07000128", "Wyre", 113_500, 0.58, 0.29),
    )
)
LANCASHIRE = Area("E10000017", "Lancashire", COUNTY_TYPE, "E12000002", 0.0, 0.0, 0.0)
ENGLAND = Area("E92000001", "England", "England", "", 57_100_000, 0.5, 0.185)


@dataclass(frozen=True)
class Spec:
    """How one indicator's synthetic values behave.

    ``level`` is England's latest value; ``gradient`` the difference between the most
    and least deprived district; ``spread`` the area-to-area standard deviation;
    ``trend`` the relative change per year; ``base`` which population the denominator
    counts and ``rate`` its size per head; ``sex`` the male and female multipliers.
    """

    level: float
    gradient: float
    spread: float
    trend: float = 0.0
    base: str = "all"  # all | older | births | children | none
    rate: float = 1.0
    sex: tuple[float, float] = (1.0, 1.0)
    sample: float = 0.0  # survey: effective sample size per 100,000 residents
    se: float = 0.0  # life expectancy / score: standard error at 100,000 residents


SPECS: dict[int, Spec] = {
    90366: Spec(81.2, -6.5, 0.5, 0.0012, sex=(0.977, 1.023), se=0.35),
    91102: Spec(19.9, -2.4, 0.35, 0.002, sex=(0.94, 1.06), se=0.22),
    90362: Spec(61.7, -11.0, 1.0, -0.0005, sex=(0.997, 1.003), se=1.1),
    92901: Spec(8.8, 8.0, 1.3, 0.004, sex=(1.1, 0.9), se=1.1),
    93721: Spec(145.0, 115.0, 12.0, -0.012, rate=0.93, sex=(1.35, 0.66)),
    92708: Spec(0.0, 0.0, 0.0),
    92196: Spec(4.0, 2.4, 0.4, -0.01, base="births", rate=0.0105),
    93085: Spec(7.4, 9.0, 1.4, -0.045, base="births", rate=0.0105),
    92517: Spec(49.3, -18.0, 4.0, 0.004, base="births", rate=0.0102),
    92026: Spec(9.6, 4.2, 0.6, 0.0, base="children", rate=0.0118, sex=(1.05, 0.95)),
    92033: Spec(22.1, 8.0, 1.2, 0.01, base="children", rate=0.0121, sex=(1.09, 0.91)),
    93701: Spec(15.6, 15.0, 2.0, 0.02, base="children", rate=0.185),
    20401: Spec(13.1, 13.0, 2.0, -0.065, base="children", rate=0.0165),
    21001: Spec(163.0, 150.0, 25.0, -0.01, sex=(0.7, 1.3)),
    92443: Spec(11.9, 8.5, 2.0, -0.04, sample=420.0, sex=(1.15, 0.85)),
    93015: Spec(22.6, 9.5, 2.2, 0.0, sample=500.0, sex=(0.95, 1.05)),
    93088: Spec(64.5, 7.5, 2.5, 0.003, sample=430.0, sex=(1.07, 0.93)),
    91414: Spec(494.0, 330.0, 60.0, 0.008, sex=(1.55, 0.5)),
    93763: Spec(40.7, 24.0, 4.5, 0.015, sex=(1.5, 0.55)),
    41001: Spec(10.7, 5.5, 1.3, 0.006, rate=0.9, sex=(1.55, 0.48)),
    93722: Spec(29.5, 24.0, 4.0, -0.02, rate=0.93, sex=(1.55, 0.48)),
    93723: Spec(50.0, 28.0, 4.5, -0.015, rate=0.93, sex=(1.1, 0.9)),
    93724: Spec(18.2, 19.0, 3.0, -0.01, rate=0.93, sex=(1.2, 0.85)),
    241: Spec(7.5, 1.6, 0.5, 0.025, rate=0.8),
    93861: Spec(5.8, 0.4, 0.5, -0.03, base="none"),
    22401: Spec(1933.0, 480.0, 220.0, -0.004, base="older", sex=(0.78, 1.17)),
    41401: Spec(551.0, 85.0, 50.0, -0.01, base="older", sex=(0.69, 1.25)),
    92949: Spec(64.8, 2.0, 4.5, 0.004, base="older", rate=0.072),
    247: Spec(0.75, -0.05, 0.09, 0.012, rate=1.05),
    41101: Spec(14.4, 2.4, 0.8, 0.01, rate=0.09),
    90280: Spec(45.3, -2.0, 3.5, -0.004, sample=90.0),
    1194: Spec(560.0, 90.0, 60.0, -0.015, base="older"),
    90584: Spec(82.3, -3.0, 2.5, 0.001, base="older", rate=0.0045),
    93553: Spec(21.7, 28.0, 2.5),
    90356: Spec(13.1, 5.5, 1.5, 0.01, rate=0.44),
    90282: Spec(10.4, 6.0, 3.0, -0.01, se=3.2),
    90283: Spec(70.9, 2.0, 3.0, 0.0, se=1.6),
    93563: Spec(23.7, 15.0, 4.0, -0.02, base="children", rate=0.012),
    93570: Spec(47.8, -6.0, 4.0, 0.005, sample=300.0),
    848: Spec(13.2, 3.0, 2.0, 0.05, rate=0.8),
    93014: Spec(67.1, -8.0, 3.0, 0.002, sample=500.0),
    93671: Spec(58.7, -3.0, 3.0, 0.005, rate=0.006),
    1000001: Spec(7.45, -0.35, 0.12, se=0.25),
    1000002: Spec(7.39, -0.3, 0.14, se=0.3),
    1000003: Spec(7.73, -0.3, 0.12, se=0.25),
    1000004: Spec(3.21, 0.25, 0.2, se=0.4),
    1000005: Spec(79.5, -6.0, 2.5, 0.002, base="children", rate=0.012),
    1000006: Spec(70.6, -7.0, 2.5, 0.002, base="children", rate=0.012),
    1000007: Spec(77.0, -6.0, 2.5, 0.002, base="children", rate=0.012),
    1000008: Spec(75.7, -8.0, 3.0, 0.002, sample=600.0),
    1000009: Spec(21.5, 6.0, 3.0, sample=600.0),
    1000010: Spec(3.8, 2.5, 0.8, sample=900.0),
    1000011: Spec(3.9, 3.0, 0.9, base="none"),
    1000012: Spec(7.7, -3.0, 1.2, 0.01),
    1000013: Spec(21.7, 28.0, 2.5),
}
