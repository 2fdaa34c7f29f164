"""Key messages: 5-8 plain sentences generated from the headline table, most important first.

Order (as the OHID Health Profiles do it, red-red first): significantly worse than
England *and* getting worse; worse at 99.8%; worse at 95%; life expectancy whatever
its judgement; similar but getting worse; better than England. Within a group, the
bigger relative gap to England comes first. Every number comes from the headline row.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from hwb.text import format as fmt

MIN_MESSAGES, MAX_MESSAGES = 5, 8
LIFE_EXPECTANCY_IDS = (90366, 90362)


@dataclass(frozen=True)
class Message:
    """One key message: the sentence, the indicator behind it and how it was judged."""

    text: str
    indicator_id: int | None
    judgement: str  # the 95% benchmark label, "" for context sentences
    group: int  # 0 = most important


def relative_gap(row: pd.Series) -> float:
    """How far the district is from England, as a share of England's value, in the *bad* direction (>0 = worse)."""
    value, england = row["value"], row["england_value"]
    if fmt.is_missing(value) or fmt.is_missing(england) or float(england) == 0:
        return 0.0
    gap = (float(value) - float(england)) / abs(float(england))
    if row["polarity"] == "high_is_good":
        return -gap
    if row["polarity"] == "low_is_good":
        return gap
    return abs(gap)


def _subject(row: pd.Series, district: str) -> str:
    sex = fmt.sex_words(row["sex"]) if "(" in str(row["label"]) else ""
    name = row["short_name"]
    return f"{name} {sex} in {district}".replace("  ", " ") if sex else f"{name} in {district}"


def _comparison_words(row: pd.Series) -> str:
    label95, label998 = row["compared_95"], row["compared_998"]
    england = fmt.with_unit(row["england_value"], row["unit"])
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
    """E.g. "Life expectancy for men in Burnley is 76.2 years (2020 - 22), significantly worse than England (78.9 years)."."""
    value = fmt.with_unit(row["value"], row["unit"])
    text = f"{_subject(row, district)} is {value} ({row['period']}), {_comparison_words(row)}"
    trend = _trend_words(row)
    return f"{text}, {trend}." if trend else f"{text}."


def _group(row: pd.Series) -> int | None:
    if row.get("red_red", False):
        return 0
    if row["compared_95"] == "Worse":
        return 1 if row["compared_998"] == "Worse" else 2
    if int(row["indicator_id"]) in LIFE_EXPECTANCY_IDS:
        return 3
    if str(row["recent_trend"]).endswith("getting worse"):
        return 4
    if row["compared_95"] == "Better":
        return 5
    return None


def key_messages(headline: pd.DataFrame, district: str, context: list[str] | None = None) -> list[Message]:
    """5-8 messages from ``headline`` (the pack's headline table), most important first.

    ``context`` sentences (population, deprivation, what is missing) fill the list up
    to five when the data give fewer judged messages.
    """
    rows = headline[headline["status"] == "ok"].copy()
    rows["_group"] = [_group(r) for _, r in rows.iterrows()]
    rows = rows[rows["_group"].notna()]
    rows["_gap"] = [relative_gap(r) for _, r in rows.iterrows()]
    rows = rows.sort_values(["_group", "_gap", "indicator_id", "sex"], ascending=[True, False, True, True],
                            kind="mergesort")
    messages = [
        Message(indicator_sentence(r, district), int(r["indicator_id"]), str(r["compared_95"]), int(r["_group"]))
        for _, r in rows.head(MAX_MESSAGES).iterrows()
    ]
    for sentence in context or []:
        if len(messages) >= MIN_MESSAGES:
            break
        messages.append(Message(sentence, None, "", 9))
    return messages
