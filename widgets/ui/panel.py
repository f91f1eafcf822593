"""What every facilitator panel shares: results hidden until the facilitator reveals that workshop's results, a
wall that the facilitator moderates before anyone else sees it, and what may be said of who wrote or who is
missing (the room's anonymity, the console's screen or the projector's)."""

from __future__ import annotations

import ipywidgets as W

from widgets.i18n import Translator
from widgets.room.phases import anonymous
from widgets.ui.text import esc
from widgets.ui.blocks import html, icon


class Revealable:
    """Mixin for a panel. Call :meth:`gate` with the results box; put ``results_slot`` in the children.

    Results are re-attached rather than hidden with CSS, so charts render at full size when revealed;
    the slot changes only when the state changes (re-attaching redraws the charts)."""

    #: A :class:`widgets.ui.wall.Wall` shown to the facilitator always, on the projector once revealed.
    moderated_wall = None
    revealed = False
    #: On the facilitator's own screen (True) or on the projector (False).
    moderating = True

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
        """Console (moderation buttons, who is missing) or projected view (hidden entries gone, counts only)."""
        self.moderating = moderating
        if self.moderated_wall is not None:
            self.moderated_wall.set_moderating(moderating)
        self.set_revealed(self.revealed)
        refresh = getattr(self, "refresh", None)
        if refresh is not None and hasattr(self, "store"):
            refresh()

    @property
    def authors_shown(self) -> bool:
        """May the room see who wrote what? Only in a room the facilitator made named (not anonymous)."""
        return not anonymous(self.room.state)

    def missing(self, names: list[str], key: str) -> str:
        """Who has not finished yet: their names on the facilitator's own screen (``key``: the catalog's
        "still missing: {names}" text), never on the projector, where the panel's counts say how many."""
        if not self.moderating or not names:
            return ""
        return esc(self.tr(key, names=", ".join(names)))
