"""The map of a scenario: beats, choices and storylets as a flowchart, injects on their own lane.

The most requested feature in ink's tracker, and what Yarn Spinner ships: authors see at a glance
what leads where. Two outputs from one model (flow.py): Mermaid (renders on GitHub, in VS Code and
in Markdown previews) and Graphviz DOT. Conventions, the same in both:
- a beat is a box (an end beat a rounded box, a storylet a hexagon), labelled with its title and id;
- a choice with `goto:` is an arrow labelled with the choice id; a choice with `when:` is dashed;
- a storylet comes up by itself: a dashed arrow from "any time" labelled with its condition;
- choices that keep the trainee in the beat are listed under the beat (the beat is a hub);
- timed injects stand on their own lane in time order; conditional ones are joined dashed;
- unreachable beats are marked, so the map shows what lint reports.
Node names are generated (b0, b1, i0...), never taken from the file, and every label is escaped,
so nothing an author writes can break or inject into the diagram.
"""

from __future__ import annotations

from itertools import pairwise

from simulator.authoring.flow import Flow, flow_of
from simulator.format.durations import format_duration
from simulator.format.scenario import Scenario

FORMATS = ("mermaid", "dot")


def render(scenario: Scenario, fmt: str = "mermaid") -> str:
    if fmt not in FORMATS:
        raise ValueError(f"unknown format '{fmt}' (mermaid or dot)")
    flow = flow_of(scenario)
    return _mermaid(scenario, flow) if fmt == "mermaid" else _dot(scenario, flow)


def _short(text: str, limit: int = 48) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _beat_label(beat, flow: Flow) -> list[str]:
    lines = [_short(beat.title or beat.id), f"({beat.id})"]
    stays = [c.id for c in beat.choices if not c.goto]
    if stays:
        lines.append("↺ " + _short(", ".join(stays), 60))
    if beat.end:
        lines.append("END")
    if beat.id not in flow.reachable and not beat.when:
        lines.append("⚠ unreachable")
    elif beat.when is not None and beat.id not in flow.live_storylets:
        lines.append("⚠ never comes up")
    return lines


def _inject_label(inject) -> list[str]:
    when = f"T+{format_duration(inject.at)}" if inject.at is not None else "when"
    lines = [f"{when} {inject.id}", f"[{inject.kind}] {_short(inject.text, 40)}"]
    if inject.when is not None:
        lines.append(f"if {_short(inject.when.source, 40)}")
    return lines


def _lane(scenario: Scenario):
    """Injects in the order they can fire: timed first by time, then condition-only ones."""
    timed = sorted((i for i in scenario.injects if i.at is not None), key=lambda i: (i.at, i.id))
    conditional = [i for i in scenario.injects if i.at is None]
    return [*timed, *conditional]


# ---------------------------------------------------------------- Mermaid


def _m(text: str) -> str:
    """Text safe inside a quoted Mermaid label."""
    out = []
    for ch in str(text):
        if ch == '"':
            out.append("#quot;")
        elif ch == "<":
            out.append("#lt;")
        elif ch == ">":
            out.append("#gt;")
        elif ch == "#":
            out.append("#35;")
        elif ch == "`":
            out.append("#96;")
        elif not ch.isprintable():
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


def _mermaid(scenario: Scenario, flow: Flow) -> str:
    ids = {b.id: f"b{n}" for n, b in enumerate(scenario.beats)}
    out = ["flowchart TD", f'  start(["{_m(_short(scenario.title, 60))}<br/>the complaint"])']
    if flow.storylets:
        out.append('  anytime(("any time"))')
    for beat in scenario.beats:
        label = "<br/>".join(_m(x) for x in _beat_label(beat, flow))
        node = ids[beat.id]
        if beat.when is not None:
            out.append(f'  {node}{{{{"{label}"}}}}')
        elif beat.end:
            out.append(f'  {node}(["{label}"])')
        else:
            out.append(f'  {node}["{label}"]')
    if flow.first:
        out.append(f"  start --> {ids[flow.first]}")
    for beat in scenario.beats:
        if beat.when is not None:
            out.append(f'  anytime -. "{_m(_short("when " + beat.when.source, 50))}" .-> {ids[beat.id]}')
    for edge in flow.edges:
        if edge.conditional:
            out.append(f'  {ids[edge.source]} -. "{_m(edge.choice)}" .-> {ids[edge.target]}')
        else:
            out.append(f'  {ids[edge.source]} -- "{_m(edge.choice)}" --> {ids[edge.target]}')
    for n, end in enumerate(scenario.end):
        out.append(f'  e{n}(["{_m("end: " + _short(end.text or end.when.source, 50))}"])')
        out.append(f'  anytime -. "{_m(_short("when " + end.when.source, 50))}" .-> e{n}' if flow.storylets
                   else f'  start -. "{_m(_short("when " + end.when.source, 50))}" .-> e{n}')
    lane = _lane(scenario)
    if lane:
        iids = {inj.id: f"i{n}" for n, inj in enumerate(lane)}
        out.append('  subgraph injects["Injects (timeline)"]')
        out.append("    direction TB")
        for inj in lane:
            label = "<br/>".join(_m(x) for x in _inject_label(inj))
            out.append(f'    {iids[inj.id]}[/"{label}"/]')
        for prev, nxt in pairwise(lane):
            arrow = "-.->" if nxt.when is not None else "-->"
            out.append(f"    {iids[prev.id]} {arrow} {iids[nxt.id]}")
        out.append("  end")
        for inj in lane:
            if inj.contingency and inj.contingency in iids:
                out.append(f'  {iids[inj.id]} -. "contingency" .-> {iids[inj.contingency]}')
    for beat in scenario.beats:
        if beat.id not in flow.reachable:
            out.append(f"  style {ids[beat.id]} stroke-dasharray: 5 5,stroke:#c00")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- DOT


def _d(text: str) -> str:
    """Text safe inside a double-quoted DOT string."""
    out = []
    for ch in str(text):
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif not ch.isprintable():
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


def _dot(scenario: Scenario, flow: Flow) -> str:
    ids = {b.id: f"b{n}" for n, b in enumerate(scenario.beats)}
    out = [
        "digraph scenario {",
        "  rankdir=TB;",
        '  node [shape=box, fontname="Helvetica"];',
        '  edge [fontname="Helvetica", fontsize=10];',
        f'  start [shape=oval, label="{_d(_short(scenario.title, 60))}\\nthe complaint"];',
    ]
    if flow.storylets or scenario.end:
        out.append('  anytime [shape=circle, label="any time"];')
    for beat in scenario.beats:
        label = "\\n".join(_d(x) for x in _beat_label(beat, flow))
        shape = "hexagon" if beat.when is not None else "box"
        style = ', style="rounded,bold"' if beat.end else ""
        if beat.id not in flow.reachable:
            style = ', style=dashed, color="#cc0000"'
        out.append(f'  {ids[beat.id]} [shape={shape}, label="{label}"{style}];')
    if flow.first:
        out.append(f"  start -> {ids[flow.first]};")
    for beat in scenario.beats:
        if beat.when is not None:
            out.append(f'  anytime -> {ids[beat.id]} [style=dashed, label="{_d(_short("when " + beat.when.source, 50))}"];')
    for edge in flow.edges:
        style = ", style=dashed" if edge.conditional else ""
        out.append(f'  {ids[edge.source]} -> {ids[edge.target]} [label="{_d(edge.choice)}"{style}];')
    for n, end in enumerate(scenario.end):
        out.append(f'  e{n} [shape=doubleoctagon, label="{_d("end: " + _short(end.text or end.when.source, 50))}"];')
        out.append(f'  anytime -> e{n} [style=dashed, label="{_d(_short("when " + end.when.source, 50))}"];')
    lane = _lane(scenario)
    if lane:
        iids = {inj.id: f"i{n}" for n, inj in enumerate(lane)}
        out.append("  subgraph cluster_injects {")
        out.append('    label="Injects (timeline)"; style=dashed;')
        for inj in lane:
            label = "\\n".join(_d(x) for x in _inject_label(inj))
            out.append(f'    {iids[inj.id]} [shape=parallelogram, label="{label}"];')
        for prev, nxt in pairwise(lane):
            style = " [style=dashed]" if nxt.when is not None else ""
            out.append(f"    {iids[prev.id]} -> {iids[nxt.id]}{style};")
        out.append("  }")
        for inj in lane:
            if inj.contingency and inj.contingency in iids:
                out.append(f'  {iids[inj.id]} -> {iids[inj.contingency]} [style=dotted, label="contingency"];')
    out.append("}")
    return "\n".join(out) + "\n"
