"""Every user-facing string, in Spanish (default) and English.

Catalogs are flat JSON files (``es.json``, ``en.json``) mapping a dotted key to a text with optional
``{placeholders}``. A test fails when a key is missing in a language or a key used in code is unknown.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

LANGUAGES = ("es", "en")
DEFAULT_LANG = "es"
_DIR = Path(__file__).resolve().parent


@lru_cache(maxsize=None)
def catalog(lang: str) -> dict[str, str]:
    with open(_DIR / f"{lang}.json", encoding="utf-8") as fh:
        return json.load(fh)


def normalize_lang(lang: str | None) -> str:
    lang = (lang or "").strip().lower()[:2]
    return lang if lang in LANGUAGES else DEFAULT_LANG


def t(lang: str, key: str, **kwargs: object) -> str:
    """The text for ``key`` in ``lang`` (falls back to Spanish, then to the key itself)."""
    text = catalog(normalize_lang(lang)).get(key)
    if text is None:
        text = catalog(DEFAULT_LANG).get(key, key)
    return text.format(**kwargs) if kwargs else text


class Translator:
    """``tr = Translator("en"); tr("join.title")``."""

    def __init__(self, lang: str | None = None):
        self.lang = normalize_lang(lang)

    def __call__(self, key: str, **kwargs: object) -> str:
        return t(self.lang, key, **kwargs)

    def pick(self, texts: dict) -> str:
        """Pick this language from a ``{"es": ..., "en": ...}`` dict found in data files."""
        return texts.get(self.lang) or texts.get(DEFAULT_LANG) or next(iter(texts.values()), "")
