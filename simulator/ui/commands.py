"""The play screen's moves in the command palette (ctrl+p), for players who prefer to search."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.markup import escape

from simulator.format.textsafe import clip
from simulator.ui.text import clean, plain

MOVES = (
    ("reply", "Reply in public", "write a public reply"),
    ("private", "Go private (DM)", "write a direct message to the customer"),
    ("escalate", "Escalate…", "ask a role up the chain to step in"),
    ("offer", "Offer a remedy…", "the catalogue, with costs against your authority"),
    ("hide", "Hide a post…", "hide or delete someone else's post"),
    ("walk_away", "Walk away", "a graceful last word, leaving the door open"),
    ("follow_up", "Follow up", "a visible post for the aftermath"),
    ("wait", "Wait and monitor…", "let the clock run"),
    ("pause", "Pause / resume the clock", "real-time scenarios"),
    ("finish", "Close the case (finish)", "the world runs to the time limit; then the debrief"),
    ("help", "Help: the nine rules and seven questions", "and the keys"),
    ("reload", "Reload the scenario file", "authors: replay your moves on the edited file"),
    ("leave", "Leave the session", "it is saved; resume it from Home"),
)


class PlayCommands(Provider):
    """Every move of the play screen, plus the current suggested replies by name."""

    def _moves(self):
        screen = self.screen
        for action, title, help_text in MOVES:
            if screen.check_action(action, ()) is False:
                continue
            yield title, help_text, partial(screen.run_action, action)
        view = getattr(screen, "view", None)
        if view is not None:
            for s in view.suggestions:
                yield f"Suggested reply {s.key}: {clean(s.label)}", escape(clip(clean(s.text), 80)), partial(screen.run_action, f"choose({s.key})")

    async def discover(self) -> Hits:
        for title, help_text, callback in self._moves():
            yield DiscoveryHit(plain(title), callback, text=title, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self._moves():
            score = matcher.match(title)
            if score > 0:
                # not matcher.highlight(): it parses its argument as markup, and labels are author text
                yield Hit(score, plain(title), callback, text=title, help=help_text)
