"""The Textual app and the factory between the CLI and it (GUIDE.md section 1, posting's shape).

`create_app()` loads everything from disk first (the scenario catalogue and the workspace, both
from the services layer) and returns
an `App` that only shows and plays; tests and the benchmark build the app through the same
factory. `run_app()` is what `crisis` and `crisis play` call.
"""

from __future__ import annotations

import secrets
import sys

from textual.app import App
from textual.binding import Binding

from simulator import services
from simulator.services import Catalog
from simulator.ui.clock import WallClock
from simulator.ui.screens.briefing import BriefingScreen
from simulator.ui.screens.debrief import DebriefScreen
from simulator.ui.screens.drill_play import open_drill, resume_drill
from simulator.ui.screens.home import HomeScreen
from simulator.ui.screens.play import PlayScreen

SWITCH_INTERVAL = 0.0005


class CrisisApp(App):
    """Crisis Tabletop: home, briefing, play, debrief and history screens over one store."""

    CSS_PATH = "crisis.tcss"
    TITLE = "Crisis Tabletop"
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", show=False, priority=True)]

    def __init__(self, catalog: Catalog, workspace: services.Workspace, *, scenario=None, seed: int | None = None, trainee: str = "", start=None,
                 blink: bool = True, open_browser: bool = True, drill: bool = False, team=None, clock=None):
        super().__init__()
        self.clock = clock if clock is not None else WallClock()  # what real-time play ticks by
        self.drill, self.team = drill, team  # a team drill (docs/drill.md): roles, facilitator, playbook
        self.catalog = catalog
        self.workspace = workspace
        self.trainee = trainee
        self.blink = blink
        self.open_browser = open_browser
        self._fixed_seed = seed
        self._initial = (scenario, start)

    def on_mount(self) -> None:
        # Steps run in a thread worker and are CPU-bound Python; with the default 5 ms switch
        # interval the UI thread waits that long each time it wants the GIL back, and drawing a
        # screen needs it many times. A shorter interval keeps keypresses answered during a step.
        sys.setswitchinterval(SWITCH_INTERVAL)
        self._restore_theme()
        self.push_screen(HomeScreen())
        scenario, start = self._initial
        if scenario is not None and self.drill:
            open_drill(self, scenario, self._fixed_seed, self.team, start)
        elif scenario is not None:
            self.open_briefing(scenario, seed=self._fixed_seed, start=start)

    def _restore_theme(self) -> None:
        """The theme chosen last time (ctrl+p, "Change theme"), kept in the data directory's settings."""
        chosen = services.read_settings(self.workspace).get("theme")
        if isinstance(chosen, str) and chosen in self.available_themes:
            self.theme = chosen
        self.theme_changed_signal.subscribe(self, self._remember_theme)

    def _remember_theme(self, theme) -> None:
        if services.read_settings(self.workspace).get("theme") != theme.name:
            services.write_setting(self.workspace, "theme", theme.name)

    @property
    def store(self):
        """The history store (the home and history screens read it)."""
        return self.workspace.store

    # ------------------------------------------------------------------ navigation used by the screens

    def open_drill(self, scenario) -> None:
        """The scenario as a team drill: role assignment, then the drill screen."""
        open_drill(self, scenario, self._fixed_seed)

    def new_seed(self) -> int:
        """A fresh seed for a new run (the seed is shown, so any run can be replayed exactly)."""
        return secrets.randbelow(1_000_000)

    def open_briefing(self, scenario, *, seed: int | None = None, start=None) -> None:
        if seed is None:
            seed = self._fixed_seed if self._fixed_seed is not None else self.new_seed()
        self.push_screen(BriefingScreen(scenario, seed, self.trainee, start))

    def start_play(self, scenario, seed: int, trainee: str = "", start=None, *, replace: bool = False) -> None:
        workspace = self.workspace

        def opener():
            return services.open_session(workspace, scenario, seed, trainee=trainee, start=start)

        screen = PlayScreen(opener, scenario, blink=self.blink)
        if replace:
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    def resume_session(self, session_id: str) -> None:
        """An interrupted session; a drill reopens as a drill (team, console, pending approvals)."""
        workspace = self.workspace
        if services.is_drill(workspace, session_id):
            resume_drill(self, session_id)
            return
        self.push_screen(PlayScreen(lambda: services.resume(workspace, session_id), None, blink=self.blink))

    def open_past_debrief(self, row) -> None:
        """A past session's debrief: opened like `crisis report` opens it (services.load_saved)."""
        workspace, path = self.workspace, row.path
        self.push_screen(DebriefScreen(lambda: services.load_saved(workspace, path), blink=self.blink, live=False))

    async def action_quit(self) -> None:
        """Quitting mid-session asks first (the session is saved either way)."""
        screen = self.screen
        if isinstance(screen, PlayScreen) and screen.view is not None and not screen.view.finished:
            screen.action_leave()
            return
        self.exit()


def create_app(scenario=None, seed: int | None = None, trainee: str = "", start=None, *,
               workspace: services.Workspace | None = None, catalog: Catalog | None = None,
               blink: bool = True, open_browser: bool = True, drill: bool = False, team=None, clock=None) -> CrisisApp:
    """Load what the app needs, then build it. `scenario` (a loaded Scenario) opens its briefing."""
    workspace = workspace if workspace is not None else services.Workspace.from_environment()
    if catalog is None:
        catalog = services.catalogue()
    if scenario is not None and catalog.get(scenario.id) is None:
        catalog = Catalog((scenario, *catalog.scenarios), catalog.broken)
    return CrisisApp(catalog, workspace, scenario=scenario, seed=seed, trainee=trainee, start=start, blink=blink,
                     open_browser=open_browser, drill=drill, team=team, clock=clock)


def run_app(scenario=None, seed: int | None = None, trainee: str = "", start=None, *, drill: bool = False, team=None,
            workspace: services.Workspace | None = None) -> int:
    """Run the UI until the player quits; the exit code for the CLI."""
    app = create_app(scenario, seed, trainee, start, drill=drill, team=team, workspace=workspace)
    app.run()
    return int(app.return_code or 0)
