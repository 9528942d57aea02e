"""The shape of a scenario's story: which beat leads to which, and which can ever come up.

A beat is entered in three ways (the engine's rules, session.py): the first beat starts the
story; a choice with `goto:` moves to its target; a storylet (a beat with `when:`) comes up by
itself whenever its condition holds. A choice without `goto:` keeps the trainee in the same beat,
so a beat whose choices all stay is a hub, not a loose end. Lint, the map and the stats all read
the story through this one model, so they agree about what is reachable.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from simulator.authoring.domains import Domain, can_hold, domains_of
from simulator.format.scenario import Scenario


@dataclass(frozen=True)
class Edge:
    """A choice that moves the story from one beat to another."""

    source: str
    target: str
    choice: str
    conditional: bool  # the choice has a `when:`
    possible: bool  # ...and that condition can hold


@dataclass(frozen=True)
class Flow:
    first: str | None
    edges: tuple[Edge, ...]
    storylets: tuple[str, ...]  # beats with `when:`, in file order
    live_storylets: frozenset[str]  # storylets whose condition can hold
    reachable: frozenset[str]
    terminals: tuple[str, ...]  # beats where a path through the story stops

    def out_edges(self, beat_id: str) -> tuple[Edge, ...]:
        return tuple(e for e in self.edges if e.source == beat_id)


def flow_of(scenario: Scenario, domains: dict[str, Domain] | None = None) -> Flow:
    domains = domains if domains is not None else domains_of(scenario)
    edges = []
    for beat in scenario.beats:
        for choice in beat.choices:
            if choice.goto:
                possible = choice.when is None or can_hold(choice.when, domains)
                edges.append(Edge(beat.id, choice.goto, choice.id, choice.when is not None, possible))
    storylets = tuple(b.id for b in scenario.beats if b.when is not None)
    live = frozenset(b.id for b in scenario.beats if b.when is not None and can_hold(b.when, domains))
    first = scenario.beats[0].id if scenario.beats else None
    frontier = [b for b in ([first] if first else []) + sorted(live)]
    reachable: set[str] = set()
    while frontier:
        beat_id = frontier.pop()
        if beat_id in reachable:
            continue
        reachable.add(beat_id)
        frontier.extend(e.target for e in edges if e.source == beat_id and e.possible)
    terminals = tuple(
        b.id for b in scenario.beats if b.end or not any(e.source == b.id and e.possible for e in edges)
    )
    return Flow(first, tuple(edges), storylets, live, frozenset(reachable), terminals)


def paths(scenario: Scenario, flow: Flow, limit: int = 5000) -> list[list[str]]:
    """Simple paths through the goto graph from each entry (the first beat, each live storylet)
    to a beat where the story stops; at most `limit` of them, shortest first."""
    graph = nx.DiGraph()
    graph.add_nodes_from(b.id for b in scenario.beats)
    graph.add_edges_from((e.source, e.target) for e in flow.edges if e.possible)
    entries = ([flow.first] if flow.first else []) + [s for s in flow.storylets if s in flow.live_storylets]
    found: list[list[str]] = []
    for entry in dict.fromkeys(entries):
        for terminal in flow.terminals:
            if terminal == entry:
                found.append([entry])
                continue
            for path in nx.all_simple_paths(graph, entry, terminal):
                found.append(list(path))
                if len(found) >= limit:
                    return sorted(found, key=len)
    return sorted(found, key=len)
