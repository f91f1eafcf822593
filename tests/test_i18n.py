"""Every user-facing string comes from the catalog, in both languages."""

from __future__ import annotations

import json
import re
import string
from pathlib import Path

import pytest

from widgets.i18n import LANGUAGES, Translator, catalog, t

ROOT = Path(__file__).resolve().parent.parent
KEY_USE = re.compile(r"""(?:\btr|\bt\(\s*\w+\s*,|StoreError|TextError|\bkey\s*=)\(?\s*["']([a-z_]+\.[a-z0-9_.]*[a-z0-9_])["']""")


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_languages_have_the_same_keys():
    es, en = catalog("es"), catalog("en")
    assert set(es) - set(en) == set(), "missing in English"
    assert set(en) - set(es) == set(), "missing in Spanish"


def _forms(text) -> dict:
    return text if isinstance(text, dict) else {"other": text}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_empty_texts_and_same_placeholders(lang):
    es = catalog("es")
    for key, text in catalog(lang).items():
        expected = _placeholders(_forms(es[key])["other"])
        for form, value in _forms(text).items():
            assert value.strip(), key
            assert _placeholders(value) == expected, (key, form)
            assert "`" not in value, (key, "a page shows text as written: Markdown's backticks would show")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_counted_texts_have_their_plural_forms(lang):
    """A text that counts is a dict of CLDR plural forms with {n}; Spanish and English need "one" and "other"."""
    for key, text in catalog(lang).items():
        if isinstance(text, dict):
            assert {"one", "other"} <= set(text), key
            assert all("{n}" in form for form in text.values()), key


def test_plural_forms_follow_the_language_rules():
    assert t("es", "vacas.hunters", n=1) == "1 cazador" and t("es", "vacas.hunters", n=0) == "0 cazadores"
    assert t("es", "vacas.hunters", n=2) == "2 cazadores" and t("en", "vacas.hunters", n=1) == "1 hunter"
    assert t("es", "rooms.people", n=1_000_000) == "1000000 participantes"  # CLDR "many": falls back to "other"
    assert t("es", "vacas.progress", cows=t("es", "count.cows", n=1), n=1, people=12) == \
        "1 vaca en el rebaño · ya votó 1 de 12"


def test_month_names_are_the_rooms_language():
    from widgets.i18n import month_names

    assert month_names("es")[3] == "marzo" and month_names("en")[3] == "March" and len(month_names("es")) == 12


def test_every_key_used_in_code_exists():
    used = set()
    for path in (ROOT / "widgets").rglob("*.py"):
        used |= set(KEY_USE.findall(path.read_text(encoding="utf-8")))
    # keys built at run time
    used |= {f"feliz.scale.{v}" for v in range(1, 6)} | {f"lang.{code}" for code in LANGUAGES}
    used |= {f"rooms.status.{s}" for s in ("open", "closed", "archived")}
    used |= {f"varita.step.{s}" for s in ("journey", "today", "wand", "vote", "result")}
    from widgets.workshops.vacas import model as vacas

    used |= {f"vacas.kind.{k}" for k in vacas.KINDS} | {f"vacas.who.{w}" for w in vacas.WHO}
    used |= {f"vacas.how.{h}" for h in vacas.HOW} | {f"vacas.freq.{f}" for f in vacas.FREQ}
    used |= {f"vacas.decision.{d}" for d in vacas.DECISIONS} | {f"vacas.step.{s}" for s in ("hunt", "vote", "plan")}
    used |= {f"vacas.prompt.{i}" for i in (1, 2, 3)}
    from widgets.workshops.clientelitis import model as C
    from widgets.workshops.clientes import model as clientes

    used |= {f"clientes.cat.{c}" for c in clientes.CATEGORIES} | {f"clientelitis.skill.{s}" for s in C.SKILLS}
    used |= {f"clientelitis.skill_short.{s}" for s in C.SKILLS}
    used |= {f"clientelitis.trait.{t}" for t in C.TRAITS} | {f"clientelitis.flag.{f}" for f in C.FLAGS}
    used |= {f"clientelitis.verdict.{v}" for v in ("hire", "doubt", "no")}
    used |= {f"clientelitis.step.{s}" for s in ("skills", "plan", "hire")}
    used |= {f"clientelitis.chart.{m}" for m in ("skills_mean", "happiness_delta", "cows_gone")}
    assert len(used) > 40
    for lang in LANGUAGES:
        missing = sorted(used - set(catalog(lang)))
        assert not missing, f"{lang}: {missing}"


def test_spanish_is_default_and_english_selectable():
    assert Translator(None)("join.button") == "Entrar"
    assert Translator("en")("join.button") == "Join"
    assert Translator("fr").lang == "es"
    assert t("en", "feliz.saved", touchpoint="X") == "Saved: X"


def test_journey_templates_are_bilingual():
    files = sorted((ROOT / "data" / "journeys").glob("*.json"))
    ids = {f.stem for f in files}
    assert {"restaurant", "hotel", "bank", "delivery", "software", "internal-support"} <= ids
    for f in files:
        data = json.loads(f.read_text(encoding="utf-8"))
        assert data["id"] == f.stem
        assert 5 <= len(data["touchpoints"]) <= 8, f
        for tp in data["touchpoints"]:
            for field in ("name", "hint"):
                assert set(tp[field]) == set(LANGUAGES), (f, tp["id"])


#: Pictograms any system font draws (DejaVu and Liberation have them): the interface may show them as text.
TEXT_SYMBOLS = set("✓⚠↳→–·…«»“”—")


def test_interface_pictograms_are_icons_not_emoji():
    """Headings, status and progress marks use the icon font served with our template (``ui.icon``): a machine
    without an emoji font shows emoji as empty boxes. The only emoji left are the rating faces, which are the
    scale itself (shown with their number and name)."""
    import unicodedata

    from widgets.workshops.feliz.model import FACES

    allowed = TEXT_SYMBOLS | set("".join(FACES.values()))
    sources = [*(ROOT / "widgets").rglob("*.py"), *(ROOT / "widgets" / "i18n").glob("*.json")]
    found = {}
    for path in sources:
        for ch in path.read_text(encoding="utf-8"):
            if unicodedata.category(ch) == "So" and ch not in allowed:
                found.setdefault(ch, path.name)
    assert not found, f"pictograms that need an emoji font: {found}"
