"""Key messages: the most important findings first, each with its benchmark badge."""

from __future__ import annotations

from hwb.data.catalogue import role_id
from hwb.pages import display as d
from hwb.pages.model import ENGLAND_WIDE, OK, Pack
from hwb.text import format as fmt
from hwb.text.messages import CONFIDENCE_NOTE, quintile_phrase
from hwb.text.messages import key_messages as _key_messages

#: the catalogue roles of the life expectancy section's measures (and the SII beside them)


def context_sentences(pack: Pack) -> list[str]:
    h = pack.headline
    out = []
    pop = h[(h["indicator_id"] == role_id("population")) & (h["status"] == OK)]
    if len(pop):
        r = pop.iloc[0]
        out.append(
            f"{pack.name} has {fmt.number(r['value'], 'people', 0)} residents ({r['period']})."
        )
    dep = h[(h["indicator_id"] == role_id("deprivation")) & (h["status"] == OK)]
    if len(dep):
        r = dep.iloc[0]
        fifth = quintile_phrase(
            str(r["quintile"]), int(r["indicator_id"]), int(r["districts_n"]), ENGLAND_WIDE
        )
        fifth = f"; {pack.name} is {fifth}" if fifth else ""
        out.append(
            f"Its deprivation score is {fmt.number(r['value'])} against {fmt.number(r['england_value'])} "
            f"for England ({r['period']}; higher means more deprived{fifth})."
        )
    judged = int(h["compared_95"].isin(["Better", "Similar", "Worse", "Higher", "Lower"]).sum())
    total = h["indicator_id"].nunique()
    out.append(
        f"{judged} of the {fmt.plural(total, 'indicator')} in the catalogue can be compared with England "
        f"(or a national goal) for {pack.name} in this snapshot; the rest are listed under each section."
    )
    return out


def key_messages(pack: Pack) -> d.Html:
    """5-8 generated sentences, most important first, each with its benchmark badge, read from
    the pack's judged lists (:attr:`hwb.pages.model.Pack.lists`), with the footnote on what
    "clearly" means.

    For a pack of several districts (a partnership's :class:`~hwb.pages.partnership.PartnershipPack`),
    life expectancy comes first for each member district, then the combined area's messages.
    """
    members = getattr(pack, "members", [])
    messages = _key_messages(
        pack.headline,
        pack.name,
        context_sentences(pack),
        [(m.headline, m.name) for m in members] if len(members) > 1 else None,
        lists=pack.lists,
    )
    if not messages:
        return d.paragraph(f"This snapshot has no indicator values for {pack.name}.")
    items = "".join(
        f"<li>{d.badge(m.judgement) + ' ' if m.judgement else ''}{d.escape(m.text)}</li>"
        for m in messages
    )
    text = " ".join(m.text for m in messages)
    note = f'<p class="hwb-note">{d.escape(CONFIDENCE_NOTE)}</p>'
    return d.Html(f'<ol class="hwb-key-messages">{items}</ol>{note}', f"{text} {CONFIDENCE_NOTE}")
