"""Cleaning what people type, and making it inert wherever it is shown or exported."""

from __future__ import annotations

import html
import re
import unicodedata

_SPACES = re.compile(r"\s+")


def clean_label(raw: object, max_len: int = 80) -> str:
    """A one-line label: control characters dropped, whitespace collapsed, trimmed to ``max_len``."""
    if raw is None:
        return ""
    text = "".join(
        ch for ch in str(raw) if ch in " \t\n" or unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co")
    )
    text = _SPACES.sub(" ", text).strip()
    return text[:max_len].strip()


def esc(raw: object) -> str:
    """Escape text for an ``ipywidgets.HTML`` value: tags inert and no MathJax ``$`` maths."""
    return html.escape(str(raw), quote=True).replace("$", "&#36;")


def plot_text(raw: object) -> str:
    """Escape text for a Plotly label (Plotly renders a few tags and MathJax between ``$``)."""
    return html.escape(str(raw), quote=False).replace("$", "&#36;")


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell_safe(value: object) -> object:
    """Neutralise spreadsheet formula injection: text starting with = + - @ gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


class TextError(ValueError):
    """Refused free text; ``key`` names the message in the i18n catalog."""

    def __init__(self, key: str, **kwargs: object):
        super().__init__(key)
        self.key = key
        self.kwargs = kwargs


def validate_text(raw: object, max_len: int = 280) -> str:
    """Free text from a participant: cleaned, not empty, at most ``max_len`` characters (never cut)."""
    text = clean_label(raw, max_len=10**7)
    if not text:
        raise TextError("text.empty")
    if len(text) > max_len:
        raise TextError("text.too_long", length=len(text), max=max_len)
    return text
