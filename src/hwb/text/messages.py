"""Key messages: 5-8 plain sentences generated from the headline table, most important first.

Life expectancy at birth comes first in every pack, men then women, with its gap to
England in years (or a sentence saying it is not available); in a pack of several
districts, for each district in turn (it cannot be combined). Then, as the OHID Health
Profiles order them, red-red first: significantly worse than England (or below its goal)
*and* getting worse; worse at 99.8%; worse at 95%; similar but getting worse; better than
England. Within a group, the bigger relative gap to England comes first. Indicators with
no polarity get no group: they are neither better nor worse. Every number comes from the
headline row.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from hwb.data.catalogue import role_id, role_ids
from hwb.text import format as fmt

MIN_MESSAGES, MAX_MESSAGES = 5, 8
#: the catalogue roles whose indicators are life expectancy measures judged first among the similar
LIFE_EXPECTANCY_ROLES = ("life_at_birth", "healthy_life")
#: the start of a headline row's status when the district's rows were in the snapshot but
#: rejected at load (quarantined), followed by where and why: never "not in this snapshot"
REJECTED = "rejected at load"


def rejected_status(finding: dict) -> str:
    """A headline status for a district's rows rejected at load, saying where and why:
    "rejected at load (fingertips_90366.csv.gz, line 5: expected a number or an empty cell,
    found 'high')"."""
    found = f", found {finding['found']!r}" if finding.get("found") else ""
    return f"{REJECTED} ({finding['file']}, line {finding['line']}: {finding['reason']}{found})"


def rejection(statuses) -> str | None:
    """The first status in ``statuses`` that says rows were rejected at load, or None."""
    return next((s for s in statuses if str(s).startswith(REJECTED)), None)


#: words that make an indicator's short name plural ("Self-harm admissions", "Physically inactive adults")
PLURAL_WORDS = frozenset(
    {"children", "adults", "admissions", "conceptions", "fractures", "readmissions", "users"}
)


@dataclass(frozen=True)
class Message:
    """One key message: the sentence, the indicator behind it and how it was judged."""

    text: str
    indicator_id: int | None
    judgement: str  # the 95% benchmark label, "" for context sentences
    group: int  # 0 = most important


def gap_to_england(row: pd.Series) -> float:
    """How far a headline row is from England, as a share of England's value, in the *bad*
    direction (>0 = worse): the row's ``gap_to_england``, worked out by the model
    (:func:`hwb.stats.ranges.relative_gap`, in :mod:`hwb.model.headline`)."""
    return float(row["gap_to_england"])


def _subject(row: pd.Series, district: str) -> str:
    """The subject of a singular sentence: "Life expectancy at birth for men in Burnley",
    "The percentage of physically inactive adults in Burnley", "The rate of self-harm admissions in Burnley"."""
    sex = fmt.sex_words(row["sex"]) if "(" in str(row["label"]) else ""
    name = str(row["short_name"])
    words = {w.strip(",").lower() for w in name.split()}
    if words & PLURAL_WORDS:
        kind = "percentage" if row["unit"] == "%" else "rate"
        name = f"The {kind} of {fmt.lower_first(name)}"
    return f"{name} {sex} in {district}" if sex else f"{name} in {district}"


def _comparison_words(row: pd.Series) -> str:
    label95, label998 = row["compared_95"], row["compared_998"]
    england = fmt.with_unit(row["england_value"], row["unit"])
    if row.get("compared_to", "England") == "goal":
        goal = fmt.with_unit(row["goal"], row["unit"])
        met = "meeting" if label95 == "Better" else "short of"
        return f"{met} the national goal of {goal} (England {england})"
    strength = "significantly " if label95 in ("Worse", "Better", "Higher", "Lower") else ""
    if label95 == "Similar":
        return f"similar to England ({england})"
    if label95 in ("Worse", "Better", "Higher", "Lower"):
        sure = " even at 99.8% confidence" if label998 == label95 else ""
        return f"{strength}{label95.lower()} than England ({england}){sure}"
    return f"against {england} for England (not compared statistically)"


def _trend_words(row: pd.Series) -> str:
    trend = str(row["recent_trend"])
    if trend.endswith("getting worse"):
        return "and it is getting worse"
    if trend.endswith("getting better"):
        return "and it is getting better"
    if trend == "No significant change":
        return "with no significant change in the recent trend"
    if trend in ("Increasing", "Decreasing"):
        return f"and it is {trend.lower()}"
    return ""


def indicator_sentence(row: pd.Series, district: str) -> str:
    """One key message, e.g. "Life expectancy for men in Burnley is 76.2 years (2020 - 22),
    significantly worse than England (78.9 years)."."""
    value = fmt.with_unit(row["value"], row["unit"])
    text = f"{_subject(row, district)} is {value} ({row['period']}), {_comparison_words(row)}"
    trend = _trend_words(row)
    return f"{text}, {trend}." if trend else f"{text}."


def _group(row: pd.Series) -> int | None:
    if row["polarity"] == "no_judgement":
        return None
    if row.get("red_red", False):
        return 1
    if row["compared_95"] == "Worse":
        return 2 if row["compared_998"] == "Worse" else 3
    if int(row["indicator_id"]) in role_ids(*LIFE_EXPECTANCY_ROLES):
        return 4
    if str(row["recent_trend"]).endswith("getting worse"):
        return 5
    if row["compared_95"] == "Better":
        return 6
    return None


def life_expectancy_sentence(row: pd.Series, district: str) -> str:
    """E.g. "Life expectancy at birth for men in Burnley is 75.5 years (2021 - 23), 3.6 years below
    England (79.1 years); significantly worse than England."."""
    value = fmt.with_unit(row["value"], row["unit"])
    text = f"{_subject(row, district)} is {value} ({row['period']})"
    if fmt.is_missing(row["england_value"]):
        return f"{text}; England's figure for the same period is not in this snapshot."
    gap = fmt.difference(row["value"], row["england_value"], row["unit"])
    side = (
        "below"
        if row["value"] < row["england_value"]
        else "above"
        if row["value"] > row["england_value"]
        else ""
    )
    where = f"{gap} {side} England" if side else "the same as England"
    judged = {
        "Worse": "significantly worse than England",
        "Better": "significantly better than England",
        "Similar": "not significantly different from England",
    }.get(row["compared_95"], "not compared statistically")
    return f"{text}, {where} ({fmt.with_unit(row['england_value'], row['unit'])}); {judged}."


def _life_messages(headline: pd.DataFrame, district: str) -> list[Message]:
    life_at_birth = role_id("life_at_birth")
    rows = headline[headline["indicator_id"] == life_at_birth]
    rows = rows.assign(_order=rows["sex"].map({"Male": 0, "Female": 1, "Persons": 2})).sort_values(
        "_order",
        kind="stable",
    )
    have = rows[rows["status"] == "ok"]
    out = [
        Message(life_expectancy_sentence(r, district), life_at_birth, str(r["compared_95"]), 0)
        for _, r in have.iterrows()
    ]
    rejected = rejection(rows["status"])
    if not out:
        absent = f"was {rejected}" if rejected else "is not in this snapshot"
        out.append(
            Message(
                f"Life expectancy at birth for {district} {absent}, so the pack cannot "
                "say how long people live compared with England.",
                None,
                "",
                0,
            )
        )
    return out


def key_messages(
    headline: pd.DataFrame,
    district: str,
    context: list[str] | None = None,
    members: list[tuple[pd.DataFrame, str]] | None = None,
) -> list[Message]:
    """5-8 messages from ``headline`` (the pack's headline table), most important first.

    Life expectancy at birth (men, women) always comes first. For an area of several
    districts (``members``: each district's headline table and name), life expectancy
    cannot be combined, so it comes first for each member district in turn, then the
    area's own messages. ``context`` sentences (population, deprivation, what is missing)
    fill the list up to five when the data give fewer judged messages (up to eight for an
    area of several districts, where few figures can be combined).
    """
    if members:
        messages = [m for member, name in members for m in _life_messages(member, name)]
    else:
        messages = _life_messages(headline, district)
    rows = headline[
        (headline["status"] == "ok") & (headline["indicator_id"] != role_id("life_at_birth"))
    ].copy()
    rows["_group"] = [_group(r) for _, r in rows.iterrows()]
    rows = rows[rows["_group"].notna()]
    rows["_gap"] = [gap_to_england(r) for _, r in rows.iterrows()]
    rows = rows.sort_values(
        ["_group", "_gap", "indicator_id", "sex"],
        ascending=[True, False, True, True],
        kind="mergesort",
    )
    messages += [
        Message(
            indicator_sentence(r, district),
            int(r["indicator_id"]),
            str(r["compared_95"]),
            int(r["_group"]),
        )
        for _, r in rows.head(MAX_MESSAGES - len(messages)).iterrows()
    ]
    # an area of several districts has fewer combined figures, so its context always has room
    enough = MAX_MESSAGES if members else MIN_MESSAGES
    for sentence in context or []:
        if len(messages) >= enough:
            break
        messages.append(Message(sentence, None, "", 9))
    return messages


_FIFTHS = {
    "Lowest": "the lowest fifth",
    "Low": "the second-lowest fifth",
    "Middle": "the middle fifth",
    "High": "the second-highest fifth",
    "Highest": "the highest fifth",
}
_DEPRIVED = {
    "Lowest": "among the least deprived fifth",
    "Low": "in the second least deprived fifth",
    "Middle": "in the middle fifth for deprivation",
    "High": "in the second most deprived fifth",
    "Highest": "among the most deprived fifth",
}


def quintile_phrase(
    label: str, indicator_id: int, districts_n: int, england_wide: int = 100
) -> str:
    """A quintile in words, e.g. "among the most deprived fifth of the 12 districts in this snapshot";
    "" for a label that is not a quintile."""
    of = (
        "of English districts"
        if districts_n >= england_wide
        else f"of the {districts_n} districts in this snapshot"
    )
    if int(indicator_id) == role_id("deprivation") and label in _DEPRIVED:
        return f"{_DEPRIVED[label]} {of}"
    if label in _FIFTHS:
        return f"in {_FIFTHS[label]} {of}"
    return ""
