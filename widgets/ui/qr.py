"""QR codes for join links (segno: pure Python, no image libraries)."""

from __future__ import annotations

import segno


def qr_svg(url: str) -> str:
    """An inline ``<svg>`` of ``url``'s QR code, dark on white, with a quiet zone; sized by CSS (viewBox)."""
    return segno.make(url, error="m").svg_inline(dark="#111111", light="#ffffff", border=2, omitsize=True)
