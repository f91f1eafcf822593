"""What every facilitator panel shares: results hidden until the facilitator reveals them, and an optional
wall that the facilitator moderates before anyone else sees it."""

from __future__ import annotations

import ipywidgets as W
from .i18n import Translator
from .text import esc
from .ui import html, icon


class Revealable:
    """Mixin for a panel. Call :meth:`gate` with the results box; put ``results_slot`` in the children.

    Results are re-attached rather than hidden with CSS, so charts render at full size when revealed;
    the slot changes only when the state changes (re-attaching redraws the charts)."""

    #: A :class:`widgets.wall.Wall` shown to the facilitator always, on the projector once revealed.
    moderated_wall = None
    revealed = False

    def gate(self, tr: Translator, results: W.Widget) -> W.VBox:
        self.results = results
        self.hidden = html(f"<p class='cl-people'>{icon('eye-slash')} {esc(tr('reveal.hidden'))}</p>", "cl-hidden-results")
        self.results_slot = W.VBox()
        return self.results_slot

    def set_revealed(self, revealed: bool) -> None:
        self.revealed = revealed
        wanted = (self.results,) if revealed else (self.hidden,)
        if self.results_slot.children != wanted:  # a chart revealed now starts from its current figure
            self.results_slot.children = wanted
        wall = self.moderated_wall
        if wall is not None:
            wall.layout.display = "" if (revealed or wall.moderating) else "none"

    def set_moderating(self, moderating: bool) -> None:
        """Console (moderation buttons) or projected view (hidden entries gone)."""
        if self.moderated_wall is not None:
            self.moderated_wall.set_moderating(moderating)
        self.set_revealed(self.revealed)
