"""The briefing: what the trainee needs before the clock starts, and nothing that gives the game away.

The lesson and (in onboarding) the customer's archetype stay hidden until the debrief.
"""

from __future__ import annotations

from textual import on
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, Label, Static

from simulator import services
from simulator.format.durations import format_duration
from simulator.ui.screens.help import HelpScreen
from simulator.ui.screens.play import PlayScreen
from simulator.ui.text import assemble, lines, plain, words


class BriefingScreen(Screen):
    BINDINGS = [
        Binding("enter", "start", "Start", priority=False),
        Binding("s", "start", "Start", show=False),
        Binding("escape", "back", "Back"),
        Binding("question_mark,f1", "help", "Help", key_display="?"),
    ]
    AUTO_FOCUS = "#brief"

    def __init__(self, scenario, seed: int, trainee: str = "", start=None):
        super().__init__()
        self.scenario = scenario
        self.seed = seed
        self.trainee = trainee
        self.start = start

    def compose(self):
        s = self.scenario
        p = s.persona
        onboarding = s.track == "onboarding"
        with VerticalScroll(id="brief"):
            yield Static(plain(s.title, "bold $accent"), id="brief-title")
            yield Static(assemble((f"{s.track} · ", "$text-muted"), ("★" * s.difficulty + "☆" * max(0, 5 - s.difficulty), "$warning"),
                                  (f" · {format_duration(s.time_limit)} · ", "$text-muted"), _mode(s), (f" · seed {self.seed}", "$text-muted")))
            yield Static(plain(s.situation or s.summary), classes="brief-block")
            yield Static(plain("The brand", "bold"), classes="section-title")
            yield Static(assemble((s.brand.name, "bold"), "  ", (s.brand.handle, "$text-muted"),
                                  f"  · {s.brand.followers:,} followers",
                                  ("  · community guidelines posted" if s.brand.guidelines_posted else "  · no community guidelines posted", "$text-muted")))
            yield Static(plain("The customer", "bold"), classes="section-title")
            card = [
                assemble((p.name, "bold"), "  ", (p.handle, "$text-muted"), f"  · {p.reach:,} followers"),
                assemble(("wants: ", "$text-muted"), ", ".join(words(w) for w in p.wants)),
            ]
            if p.request:
                card.append(assemble(("asks for: ", "$text-muted"), p.request))
            if not onboarding:
                card.append(assemble(("type: ", "$text-muted"), words(p.archetype)))
            card.append(assemble(("posted: ", "$text-muted"), ("“" + p.opening + "”", "italic")))
            yield Static(lines(*card), classes="brief-block")
            if s.objectives:
                yield Static(plain("Objectives", "bold"), classes="section-title")
                yield Static(lines(*(assemble(("• ", "$accent"), o.text) for o in s.objectives)), classes="brief-block")
            yield Static(plain("Your authority (all in)", "bold"), classes="section-title")
            me = s.trainee_role
            rows = [assemble(("you: ", "$text-muted"), me.title, f" — you can offer up to {me.authority:g} yourself")]
            for role in s.roles:
                if role is not me:
                    rows.append(assemble(("  ↑ ", "$accent"), role.title, (f" — answers in ~{format_duration(role.delay)},"
                                                                            f" {_powers(s, role)}", "$text-muted")))
            if s.remedies:
                rows.append(assemble(("remedies: ", "$text-muted"), "; ".join(
                    f"{r.label or r.id} ({r.cost:g}" + (f", needs {', '.join(_title(s, x) for x in r.requires)}" if r.requires else "") + ")"
                    for r in s.remedies)))
            yield Static(lines(*rows), classes="brief-block")
        with Horizontal(id="brief-actions"):
            yield Label("Your name (optional):")
            yield Input(value=self.trainee, placeholder="for the history and the report", id="trainee", max_length=80)
            yield Button("Start ⏎", variant="primary", id="start")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#brief").border_title = "Briefing"

    @on(Button.Pressed, "#start")
    @on(Input.Submitted, "#trainee")
    def action_start(self) -> None:
        trainee = self.query_one("#trainee", Input).value.strip()
        workspace = self.app.workspace
        scenario, seed, start = self.scenario, self.seed, self.start

        def opener():
            return services.open_session(workspace, scenario, seed, trainee=trainee, start=start)

        self.app.switch_screen(PlayScreen(opener, scenario, blink=self.app.blink))

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen())


def _mode(s):
    if s.mode == "realtime":
        return (f"real time ×{s.speed:g} (space pauses)", "bold")
    return ("turns: the clock moves when you act", "bold")


def _title(scenario, role_id: str) -> str:
    role = scenario.role(role_id)
    return role.title if role is not None else role_id


def _powers(scenario, role) -> str:
    """What a role can approve: an amount, named remedies whatever their cost, or both."""
    named = ", ".join((r.label or r.id) if (r := scenario.remedy(x)) else x for x in role.can_approve)
    if role.can_approve and role.authority <= 0:
        return f"signs off {named}"
    if role.can_approve:
        return f"approves up to {role.authority:g} and signs off {named}"
    return f"approves up to {role.authority:g}"
