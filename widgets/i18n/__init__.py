"""Every user-facing string, in Spanish (default) and English.

Catalogs are flat JSON files (``es.json``, ``en.json``) mapping a dotted key to a text with optional
``{placeholders}``. A text that counts something is a dict of plural forms (``{"one": ..., "other": ...}``, the
categories of Unicode CLDR) picked by the ``n`` argument with Babel's plural rules, never by string
concatenation ("1 cazadores"). Month names come from Babel's locale data too. A test fails when a key is
missing in a language or a key used in code is unknown.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

LANGUAGES = ("es", "en")
DEFAULT_LANG = "es"
_DIR = Path(__file__).resolve().parent


@lru_cache(maxsize=None)
def catalog(lang: str) -> dict[str, str | dict]:
    with open(_DIR / f"{lang}.json", encoding="utf-8") as fh:
        return json.load(fh)


def normalize_lang(lang: str | None) -> str:
    lang = (lang or "").strip().lower()[:2]
    return lang if lang in LANGUAGES else DEFAULT_LANG


@lru_cache(maxsize=None)
def _locale(lang: str):
    from babel import Locale

    return Locale.parse(lang)


def plural_form(lang: str, n: object) -> str:
    """The CLDR plural category of ``n`` in ``lang`` ("one", "many", "other"...)."""
    try:
        return _locale(normalize_lang(lang)).plural_form(abs(float(n)) if not isinstance(n, int) else abs(n))
    except (TypeError, ValueError):
        return "other"


def month_names(lang: str) -> dict[int, str]:
    """The months' names in ``lang`` (1 to 12), as written on their own ("marzo", "March")."""
    from babel.dates import get_month_names

    return dict(get_month_names("wide", context="stand-alone", locale=_locale(normalize_lang(lang))))


def pick(texts: dict | None, lang: str) -> str:
    """``texts`` (``{"es": ..., "en": ...}``, from a data file or a kit) in ``lang``, else in Spanish, else in
    whichever language has it."""
    texts = texts or {}
    return texts.get(lang) or texts.get(DEFAULT_LANG) or next((v for v in texts.values() if v), "")


def t(lang: str, key: str, **kwargs: object) -> str:
    """The text for ``key`` in ``lang`` (falls back to Spanish, then to the key itself); a plural text takes the
    form of its ``n`` argument."""
    lang = normalize_lang(lang)
    text = catalog(lang).get(key)
    if text is None:
        text = catalog(DEFAULT_LANG).get(key, key)
    if isinstance(text, dict):
        text = text.get(plural_form(lang, kwargs.get("n", 0))) or text["other"]
    return text.format(**kwargs) if kwargs else text


class Translator:
    """``tr = Translator("en"); tr("join.title")``."""

    def __init__(self, lang: str | None = None):
        self.lang = normalize_lang(lang)

    def __call__(self, key: str, **kwargs: object) -> str:
        return t(self.lang, key, **kwargs)

    def pick(self, texts: dict) -> str:
        """Pick this language from a ``{"es": ..., "en": ...}`` dict found in data files."""
        return pick(texts, self.lang)
