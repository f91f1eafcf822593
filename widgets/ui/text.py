"""What people type: refused with a message, or kept exactly as typed and made inert wherever it is shown.

Policy for every free-text field (names, teams, room names, ideas, cows, verdicts, customers, plans...):

- **refused** (a :class:`TextError` whose ``key`` names the message in the i18n catalog) when it is blank
  (only spaces, line breaks or invisible characters) and the field is required; when it is longer than the
  field's maximum (never cut); when it holds control characters (NUL, C0/C1, DEL, lone surrogates); when
  it holds the invisible characters that reverse or embed the writing direction (U+202A-U+202E,
  U+2066-U+2069), which can disguise what a projected text says; and, in one-line fields, line breaks and
  tabs. Multi-line fields (text areas) accept line breaks and tabs;
- otherwise **stored exactly as typed** (no trimming, no collapsing, no Unicode normalisation). Comparisons
  that must not depend on spelling (the same name twice in a room, joining an existing team, the same
  touchpoint twice) use :func:`text_key`, never the stored value;
- **shown inert**: :func:`esc` for HTML widgets and reports, :func:`plot_text` for Plotly labels,
  :func:`cell_safe` for CSV/XLSX cells.
"""

from __future__ import annotations

import html
import re
import textwrap
import unicodedata

_SPACES = re.compile(r"\s+")

#: Invisible characters that override or embed the writing direction (LRE RLE PDF LRO RLO, LRI RLI FSI PDI).
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
#: Line breaks and tabs: accepted in multi-line fields only.
_MULTILINE_OK = frozenset("\n\r\t\u2028\u2029")


class TextError(ValueError):
    """Refused free text; ``key`` names the message in the i18n catalog."""

    def __init__(self, key: str, **kwargs: object):
        super().__init__(key)
        self.key = key
        self.kwargs = kwargs


def is_blank(text: str) -> bool:
    """Nothing visible: only whitespace (line breaks, no-break spaces...) and invisible format characters."""
    return all(ch.isspace() or unicodedata.category(ch) == "Cf" for ch in text)


def refusal(text: str, *, multiline: bool = False) -> str | None:
    """The catalog key explaining why ``text`` holds characters no field accepts, or ``None``."""
    for ch in text:
        if ch in BIDI_CONTROLS:
            return "text.bidi"
        if ch in _MULTILINE_OK:
            if not multiline:
                return "text.one_line"
            continue
        if unicodedata.category(ch) in ("Cc", "Cs", "Zl", "Zp"):
            return "text.control"
    return None


def validate_text(
    raw: object,
    max_len: int = 280,
    *,
    multiline: bool = False,
    required: bool = True,
    empty_key: str = "text.empty",
    too_long_key: str = "text.too_long",
) -> str:
    """Free text from a participant, returned exactly as typed, or a :class:`TextError`.

    Blank text is refused with ``empty_key`` when ``required`` (else returned as typed); text over
    ``max_len`` characters with ``too_long_key`` (kwargs ``length`` and ``max``), never cut."""
    text = "" if raw is None else str(raw)
    if is_blank(text):
        if required:
            raise TextError(empty_key)
        return text
    key = refusal(text, multiline=multiline)
    if key:
        raise TextError(key)
    if len(text) > max_len:
        raise TextError(too_long_key, length=len(text), max=max_len)
    return text


def text_key(raw: object) -> str:
    """The form used to compare texts, never to store them: compatibility-normalised (NFKC, so full-width
    ``Ａｎａ`` is ``Ana``), invisible format characters dropped, whitespace collapsed and trimmed, case folded."""
    text = unicodedata.normalize("NFKC", "" if raw is None else str(raw))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return _SPACES.sub(" ", text).strip().casefold()


def shown_code(raw: object, limit: int = 12) -> str:
    """What of a mistyped room code may be echoed back in a message: letters and digits, upper case."""
    return "".join(ch for ch in ("" if raw is None else str(raw)).upper() if ch.isalnum())[:limit]


def clean_label(raw: object, max_len: int = 80) -> str:
    """A one-line label for display only (control characters dropped, whitespace collapsed, cut to
    ``max_len``). Never use it on what is stored: stored text is refused or kept exactly (see above)."""
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


def plot_lines(raw: object, width: int = 18) -> list[str]:
    """``raw`` cut at spaces into lines of at most ``width`` characters (a longer word is split), each escaped
    as :func:`plot_text`: Plotly never wraps a label, so a long one would take a phone's whole width. Nothing
    is dropped; join them with ``<br>``."""
    return [plot_text(line) for line in textwrap.wrap(str(raw), width)] or [plot_text(raw)]


#: What makes a spreadsheet read a cell as a formula (OWASP: = + - @ tab CR), and their full-width forms.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def cell_safe(value: object) -> object:
    """Neutralise spreadsheet formula injection: text whose first character, or first character after
    leading whitespace, is = + - @ (or that starts with a tab or CR) gets a leading apostrophe."""
    if isinstance(value, str) and (value.startswith(_FORMULA_START) or value.lstrip().startswith(_FORMULA_START)):
        return "'" + value
    return value
