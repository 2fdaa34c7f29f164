"""Every section of a pack on the real extract: no exception, gaps said in words, alt text with numbers."""
from __future__ import annotations

import re

import pytest

from hwb import params
from hwb.pack import display

IMG = re.compile(r"<img [^>]*>")
ALT = re.compile(r'alt="([^"]*)"')


@pytest.fixture(scope="module")
def pack():
    import hwb.pack as hp
    from hwb import paths

    if not paths.REAL_EXTRACT.is_file():
        pytest.skip(f"real extract not available at {paths.REAL_EXTRACT}")
    return hp.load_pack(params.load_district("pendle").to_notebook(), paths.REAL_EXTRACT)


def _sections(pack):
    import hwb.pack as hp

    yield "key_messages", hp.key_messages(pack)
    yield "district_profile", hp.district_profile(pack)
    yield "life_expectancy", hp.life_expectancy(pack)
    for name in ("Starting Well", "Living Well", "Ageing Well", "Wider determinants"):
        yield name, hp.programme(pack, name)
    yield "looking_ahead", hp.looking_ahead(pack)
    yield "priorities", hp.priorities(pack)
    yield "headline", hp.headline(pack)
    yield "about", hp.about(pack)


def test_every_section_renders_and_every_image_has_alt_text_with_a_number(pack):
    images = 0
    for name, section in _sections(pack):
        assert isinstance(section, display.Html), name
        assert section.html.strip(), f"{name} is empty"
        assert "0x7f" not in repr(section) and "object at" not in repr(section)
        for tag in IMG.findall(section.html):
            images += 1
            alt = ALT.search(tag)
            assert alt and re.search(r"\d", alt.group(1)), f"{name}: image without a number in its alt text"
    assert images >= 4


def test_gaps_are_said_in_plain_words(pack):
    import hwb.pack as hp

    life = hp.life_expectancy(pack)
    assert "<img" not in life.html
    assert "not in this snapshot" in life.text and "not published for districts" in life.text
    assert "not in this snapshot" in hp.programme(pack, "Ageing Well").text


def test_key_messages_start_with_a_worse_indicator_and_quote_the_snapshot(pack):
    import hwb.pack as hp

    messages = hp.key_messages(pack)
    first = messages.html.split("<li>")[1]
    assert "Worse" in first
    worse = pack.headline[pack.headline["compared_95"] == "Worse"]
    assert any(f"{v:.1f}" in first for v in worse["value"])
