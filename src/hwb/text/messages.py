"""Key messages: 5-8 plain sentences generated from the headline table, most important first.

Life expectancy at birth comes first in every pack, men then women, with its gap to
England in years (or a sentence saying it is not available); in a pack of several
districts, for each district in turn (it cannot be combined). Then the largest significant
gaps to England (or a goal), then at least one strength where there is one (significantly
better, or improving), then what is getting worse though not yet worse than England; each
one plain sentence of what it means ("clearly worse than England", the confidence level in
a footnote, :data:`CONFIDENCE_NOTE`), at most :data:`MAX_WORDS` words in all. What is on
each list is the model's judged lists (:func:`hwb.stats.findings.judged_lists`), so
estimates for a larger area and old series never appear. Indicators with no polarity are
neither better nor worse. Every number comes from the headline row.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from hwb.data.catalogue import role_id
from hwb.text import format as fmt
from hwb.text.alt import FIFTHS

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


#: the most words the key messages may take together (issue 27)
MAX_WORDS = 350
#: the names of the judged lists (:data:`hwb.stats.findings.LISTS`) the messages read
WORSE, BETTER, WORSENING, IMPROVING = (
    "significantly worse",
    "significantly better",
    "worsening",
    "improving",
)
#: message groups: life expectancy, a gap, getting worse, a strength, context
LIFE, GAP, SLIPPING, STRENGTH, CONTEXT = 0, 2, 5, 6, 9
#: what "clearly" means, for the footnote under the key messages
CONFIDENCE_NOTE = (
    "Clearly worse or better: statistically significant at the 95% confidence level (England's "
    "value, or the national goal, lies outside the range the true value very probably lies in); "
    "where a value was published without that range, the comparison is Fingertips' own. "
    "Estimates for a larger area and old data are left out of these messages."
)


def _england_words(row: pd.Series) -> str:
    """How far the value is from England, in plain words: "27% higher than England (46.7 per
    100,000)"; for a goal, "short of the national goal of 80.0% (England 78.0%)"."""
    england = fmt.with_unit(row["england_value"], row["unit"])
    if row.get("compared_to", "England") == "goal":
        goal = fmt.with_unit(row["goal"], row["unit"])
        met = "meeting" if row["compared_95"] == "Better" else "short of"
        return f"{met} the national goal of {goal} (England {england})"
    if fmt.is_missing(row["england_value"]) or not row["england_value"]:
        return f"against {england} for England"
    ratio = float(row["value"]) / float(row["england_value"]) - 1
    if abs(ratio) < 0.005:
        return f"the same as England ({england})"
    side = "higher" if ratio > 0 else "lower"
    return f"{fmt.number(abs(ratio) * 100, decimals=0)}% {side} than England ({england})"


def _comparison_words(row: pd.Series) -> str:
    label95 = row["compared_95"]
    if row.get("compared_to", "England") == "goal":
        return _england_words(row)
    england = fmt.with_unit(row["england_value"], row["unit"])
    if label95 == "Similar":
        return f"not clearly different from England ({england})"
    if label95 in ("Worse", "Better", "Higher", "Lower"):
        return f"clearly {label95.lower()} than England ({england})"
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
    """One line on an indicator, e.g. "Obesity in Year 6 in Burnley is 24.4% (2019/20 - 23/24),
    clearly worse than England (21.4%)."."""
    value = fmt.with_unit(row["value"], row["unit"])
    text = f"{_subject(row, district)} is {value} ({_when(row)}), {_comparison_words(row)}"
    trend = _trend_words(row)
    return f"{text}, {trend}." if trend else f"{text}."


def _when(row: pd.Series) -> str:
    """The period, with the series' fitness where it has a label ("2022/23; break in the series
    2022/23"): a message never hides what a reader must know before judging it."""
    fitness = row.get("fitness", "")
    return (
        f"{row['period']}; {fitness}"
        if isinstance(fitness, str) and fitness
        else str(row["period"])
    )


def _mark(row: pd.Series) -> str:
    return " (Fingertips' comparison)" if row.get("compared_source") == "published" else ""


def gap_sentence(row: pd.Series, district: str) -> str:
    """A key message on a significant gap, saying what it means: "The rate of alcohol-related
    mortality in Burnley is 59.5 per 100,000 (2023), 27% higher than England (46.7 per
    100,000): clearly worse, with no sign yet of the gap closing."."""
    value = fmt.with_unit(row["value"], row["unit"])
    trend = str(row["recent_trend"])
    if trend.endswith("getting worse"):
        meaning = "clearly worse, and getting worse: the gap is widening"
    elif trend.endswith("getting better"):
        meaning = "clearly worse, though getting better"
    elif trend == "No significant change":
        meaning = "clearly worse, with no sign yet of the gap closing"
    else:
        meaning = "clearly worse"
    if row.get("compared_to", "England") == "goal":
        meaning = "a clear gap to the goal" + meaning.removeprefix("clearly worse")
    return (
        f"{_subject(row, district)} is {value} ({_when(row)}), {_england_words(row)}: "
        f"{meaning}{_mark(row)}."
    )


def strength_sentence(row: pd.Series, district: str, improving: bool) -> str:
    """A key message on a strength: clearly better than England (a strength to protect), or
    getting better (a gain to keep)."""
    value = fmt.with_unit(row["value"], row["unit"])
    if row["compared_95"] == "Better":
        trend = " and getting better" if improving else ""
        meaning = f"clearly better{trend}, a strength to protect"
    else:
        meaning = "getting better, a gain to keep"
    return (
        f"{_subject(row, district)} is {value} ({_when(row)}), {_england_words(row)}: "
        f"{meaning}{_mark(row)}."
    )


def life_expectancy_sentence(row: pd.Series, district: str) -> str:
    """E.g. "Life expectancy at birth for men in Burnley is 75.5 years (2021 - 23), 3.6 years below
    England (79.1 years): clearly worse than England."."""
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
        "Worse": "clearly worse than England",
        "Better": "clearly better than England",
        "Similar": "not clearly different from England",
    }.get(row["compared_95"], "not compared statistically")
    return f"{text}, {where} ({fmt.with_unit(row['england_value'], row['unit'])}): {judged}."


def _life_messages(headline: pd.DataFrame, district: str) -> list[Message]:
    life_at_birth = role_id("life_at_birth")
    rows = headline[headline["indicator_id"] == life_at_birth]
    rows = rows.assign(_order=rows["sex"].map({"Male": 0, "Female": 1, "Persons": 2})).sort_values(
        "_order",
        kind="stable",
    )
    have = rows[rows["status"] == "ok"]
    out = [
        Message(life_expectancy_sentence(r, district), life_at_birth, str(r["compared_95"]), LIFE)
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
                LIFE,
            )
        )
    return out


def lists_from_labels(headline: pd.DataFrame) -> pd.DataFrame:
    """The judged lists read straight from a headline table's labels (``list``, ``indicator_id``,
    ``sex``), for a table that comes without the model's lists (pages pass those:
    :func:`hwb.stats.findings.judged_lists`)."""
    ok = headline[(headline["status"] == "ok") & headline["polarity"].ne("no_judgement")]
    trend = ok["recent_trend"].fillna("").astype(str)
    parts = [
        ok[ok["compared_95"] == "Worse"].assign(list=WORSE),
        ok[ok["compared_95"] == "Better"].assign(list=BETTER),
        ok[trend.str.endswith("getting worse")].assign(list=WORSENING),
        ok[trend.str.endswith("getting better")].assign(list=IMPROVING),
    ]
    return pd.concat(parts, ignore_index=True).reindex(columns=["list", "indicator_id", "sex"])


def _on(rows: pd.DataFrame, lists: pd.DataFrame, name: str) -> pd.Series:
    """Whether each row (indicator and sex) is on the list ``name``."""
    mine = lists[lists["list"] == name]
    keys = set(zip(mine["indicator_id"].astype(int), mine["sex"], strict=True))
    return pd.Series(
        [(int(i), s) in keys for i, s in zip(rows["indicator_id"], rows["sex"], strict=True)],
        index=rows.index,
        dtype=bool,
    )


def words_in(messages: list[Message]) -> int:
    """How many words the messages take together."""
    return sum(len(m.text.split()) for m in messages)


def _within_words(messages: list[Message]) -> list[Message]:
    """The messages cut to :data:`MAX_WORDS` words: the last ones go first, never life
    expectancy nor the only strength."""
    out = list(messages)
    while words_in(out) > MAX_WORDS:
        strengths = sum(m.group == STRENGTH for m in out)
        keep = {LIFE, STRENGTH} if strengths <= 1 else {LIFE}
        drop = next((i for i in reversed(range(len(out))) if out[i].group not in keep), None)
        if drop is None:
            break
        del out[drop]
    return out


def key_messages(
    headline: pd.DataFrame,
    district: str,
    context: list[str] | None = None,
    members: list[tuple[pd.DataFrame, str]] | None = None,
    lists: pd.DataFrame | None = None,
) -> list[Message]:
    """5-8 messages from ``headline`` (the pack's headline table), at most :data:`MAX_WORDS`
    words, most important first.

    Life expectancy at birth (men, women) always comes first. For an area of several
    districts (``members``: each district's headline table and name), life expectancy
    cannot be combined, so it comes first for each member district in turn. Then the largest
    significant gaps to England (the "significantly worse" list, biggest relative gap first),
    then at least one strength where the area has one (the "significantly better" list, then
    the "improving" one), then what is getting worse though not yet worse than England, then
    the other strengths, as room allows.
    ``lists``: the area's judged lists (:func:`hwb.stats.findings.judged_lists`; default:
    read from the table's labels, :func:`lists_from_labels`), so the messages name only what
    the summary, spine and overview count. ``context`` sentences (population, deprivation,
    what is missing) fill the list up to five when the data give fewer messages (up to eight
    for an area of several districts, where few figures can be combined).
    """
    if members:
        messages = [m for member, name in members for m in _life_messages(member, name)]
    else:
        messages = _life_messages(headline, district)
    lists = lists_from_labels(headline) if lists is None else lists
    rows = headline[
        (headline["status"] == "ok") & (headline["indicator_id"] != role_id("life_at_birth"))
    ].reset_index(drop=True)
    rows["_gap"] = [gap_to_england(r) for _, r in rows.iterrows()]
    order = ["_gap", "indicator_id", "sex"]
    worse, better = _on(rows, lists, WORSE), _on(rows, lists, BETTER)
    improving, worsening = _on(rows, lists, IMPROVING), _on(rows, lists, WORSENING)
    gaps = [
        Message(gap_sentence(r, district), int(r["indicator_id"]), str(r["compared_95"]), GAP)
        for _, r in rows[worse]
        .sort_values(order, ascending=[False, True, True], kind="mergesort")
        .iterrows()
    ]
    strengths = [
        Message(
            strength_sentence(r, district, bool(improving[i])),
            int(r["indicator_id"]),
            str(r["compared_95"]) if better[i] else "",
            STRENGTH,
        )
        for i, r in pd.concat(
            [
                rows[better].sort_values(order, ascending=True, kind="mergesort"),
                rows[improving & ~better & ~worse],
            ]
        ).iterrows()
    ]
    slipping = [
        Message(
            indicator_sentence(r, district), int(r["indicator_id"]), str(r["compared_95"]), SLIPPING
        )
        for _, r in rows[worsening & ~worse].iterrows()
    ]
    room = max(MAX_MESSAGES - len(messages), 0)
    first_strength = strengths[:1]
    kept = gaps[: max(room - len(first_strength), 0)]
    spare = max(room - len(kept) - len(first_strength), 0)
    # what room the gaps leave: what is slipping, then the other strengths
    messages += kept + first_strength + (slipping + strengths[1:])[:spare]
    # an area of several districts has fewer combined figures, so its context always has room
    enough = MAX_MESSAGES if members else MIN_MESSAGES
    for sentence in context or []:
        if len(messages) >= enough:
            break
        messages.append(Message(sentence, None, "", CONTEXT))
    return _within_words(messages)


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
    label: str, indicator_id: int, districts_n: int, england_wide: int = 100, benchmark: str = ""
) -> str:
    """A quintile in words, e.g. "among the most deprived fifth of the 12 districts in this snapshot";
    for an indicator judged by fifths (``benchmark`` "quintiles"), its "Worst" to "Best" too ("in
    the second-worst fifth of English districts"); "" for a label that is not a quintile."""
    of = (
        "of English districts"
        if districts_n >= england_wide
        else f"of the {districts_n} districts in this snapshot"
    )
    if int(indicator_id) == role_id("deprivation") and label in _DEPRIVED:
        return f"{_DEPRIVED[label]} {of}"
    if label in _FIFTHS:
        return f"in {_FIFTHS[label]} {of}"
    if benchmark == "quintiles" and label in FIFTHS:
        return f"in the {FIFTHS[label]} {of}"
    return ""
