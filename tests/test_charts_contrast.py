"""Chart marks that carry meaning stand out from the white page at 3:1 at least (WCAG 2.2 1.4.11)."""

from __future__ import annotations

import pytest

from widgets.ui import charts
from widgets.workshops.vacas import charts as vacas_charts


def _luminance(colour: str) -> float:
    rgb = [int(colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str = "#FFFFFF") -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.mark.parametrize("name", ["BLUE", "VERMILLION", "GREY", "BLACK", "GREEN", "SKY", "ORANGE", "PINK"])
def test_every_palette_colour_holds_3_to_1_against_white(name):
    assert contrast(getattr(charts, name)) >= 3.0, (name, getattr(charts, name))


def test_the_contrast_check_can_fail():
    assert contrast("#56B4E9") < 3.0  # the Okabe-Ito sky blue as published: too pale for a mark on white


def test_the_charts_default_colours_hold_3_to_1_too():
    assert all(contrast(c) >= 3.0 for c in charts.OKABE_ITO), charts.OKABE_ITO


def test_words_drawn_in_a_palette_colour_hold_4_5_to_1():
    from widgets.i18n import Translator
    import pandas as pd

    table = pd.DataFrame({"name": ["Firma"], "rule": [""], "kind": ["control"], "who": ["customers"], "hunters": [1],
                          "hunter_names": [""], "votes": [2], "harm": [4.5], "value": [1.0]})
    figure = vacas_charts.cow_matrix(table, Translator("es"), in_zone=lambda h, v: True)
    colours = [a.font.color for a in figure.layout.annotations]
    assert colours and all(contrast(c) >= 4.5 for c in colours), colours
    assert all(contrast(c) >= 4.5 for c in charts.TEXT_SHADE.values())
