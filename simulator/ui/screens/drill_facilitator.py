"""The facilitator console: pause and resume, fast-forward, fire an inject (the scenario's or one
written on the spot), turn the pressure up or down, and notes on the timeline.

It returns one facilitator command (`Session.facilitate`'s dict) through `dismiss()`; the drill
play screen runs it as a step, so every control is in the transcript and the report.
"""

from __future__ import annotations

from textual import on
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from simulator.format.durations import format_duration, parse_duration
from simulator.format.textsafe import clip
from simulator.ui.text import assemble, clean, plain

PRESSURE = {
    "crowd-up": {"audience": 1.5, "negativity": 1.3},
    "crowd-down": {"audience": 0.67, "negativity": 0.77},
    "patience-down": {"patience": -0.2},
    "patience-up": {"patience": 0.2},
}


class FacilitatorConsole(ModalScreen):
    CSS_PATH = "../drill.tcss"
    BINDINGS = [Binding("escape", "close", "Close"), Binding("ctrl+g", "pause", "Pause/resume", priority=True)]
    AUTO_FOCUS = "#pause"

    def __init__(self, scenario, fired: tuple[str, ...], paused: bool):
        super().__init__()
        self.scenario, self.fired, self.paused = scenario, set(fired), paused

    def compose(self):
        with Vertical(classes="dialog wide", id="drill-facilitator"):
            yield Static(plain("Facilitator console", "bold"), classes="dialog-title")
            yield Static(plain("Everything here is recorded in the transcript and shows in the report."), classes="dialog-hint")
            with VerticalScroll(classes="dialog-scroll"):
                with Horizontal(classes="dialog-buttons"):
                    yield Button("Resume (ctrl+g)" if self.paused else "Pause (ctrl+g)", id="pause", variant="warning")
                    yield Button("Crowd up", id="crowd-up")
                    yield Button("Crowd down", id="crowd-down")
                    yield Button("Patience −", id="patience-down")
                    yield Button("Patience +", id="patience-up")
                with Horizontal(classes="dialog-row"):
                    yield Label("Fast-forward")
                    yield Input(placeholder="30m", id="ff", max_length=20)
                yield Label(plain("Fire an inject from the scenario (enter)", "bold"))
                options = []
                for inject in self.scenario.injects:
                    when = f"T+{format_duration(inject.at)}" if inject.at is not None else "on condition"
                    done = " (fired)" if inject.id in self.fired else ""
                    options.append(Option(assemble((f"{clean(inject.sender or inject.kind)}", "bold"), f" · {when}{done}: ",
                                                   clip(clean(inject.text), 90)), id=inject.id))
                yield OptionList(*options, id="injects") if options else Static(plain("This scenario has no injects.", "italic"))
                with Horizontal(classes="dialog-row"):
                    yield Label("Custom inject")
                    yield Input(placeholder="e.g. A reporter from the Courier asks for comment", id="custom", max_length=500)
                with Horizontal(classes="dialog-row"):
                    yield Label("Note")
                    yield Input(placeholder="a note for the timeline", id="note", max_length=2000)
            yield Static("", classes="dialog-error", id="error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Close (esc)", id="close")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#pause", Button).focus()

    def action_pause(self) -> None:
        self.dismiss({"kind": "resume" if self.paused else "pause"})

    @on(Button.Pressed, "#pause")
    def _pause(self) -> None:
        self.action_pause()

    @on(Button.Pressed, "#crowd-up, #crowd-down, #patience-down, #patience-up")
    def _pressure(self, event: Button.Pressed) -> None:
        self.dismiss({"kind": "pressure", **PRESSURE[event.button.id]})

    @on(Input.Submitted, "#ff")
    def _ff(self, event: Input.Submitted) -> None:
        try:
            minutes = parse_duration(event.value.strip() or "0")
        except ValueError as exc:
            self.query_one("#error", Static).update(plain(str(exc)))
            return
        if minutes <= 0:
            self.query_one("#error", Static).update(plain("Fast-forward by a duration like 30m or 2h."))
            return
        self.dismiss({"kind": "fast_forward", "minutes": minutes})

    @on(OptionList.OptionSelected, "#injects")
    def _inject(self, event: OptionList.OptionSelected) -> None:
        self.dismiss({"kind": "inject", "id": event.option.id})

    @on(Input.Submitted, "#custom")
    def _custom(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.dismiss({"kind": "custom", "text": event.value.strip()})

    @on(Input.Submitted, "#note")
    def _note(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.dismiss({"kind": "note", "who": "facilitator", "by": "facilitator", "text": event.value.strip()})

    @on(Button.Pressed, "#close")
    def action_close(self) -> None:
        self.dismiss(None)
