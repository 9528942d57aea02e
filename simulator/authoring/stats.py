"""Scenario stats: how big it is, how much there is to read, and how long or short a path can be.

Authors size a scenario for its audience: an onboarding case a new agent plays many times should
be short, a drill can sprawl. The counts come from the loaded scenario; the paths from the beat
graph (flow.py): from the first beat, following choices with `goto:`, to a beat where the story
stops (an end beat, or a hub whose choices all stay), counted in beats.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from simulator.authoring.flow import flow_of, paths
from simulator.format.scenario import Scenario

_WORD = re.compile(r"\w[\w'’-]*")
READING_WPM = 200  # a trainee reading narration and posts


@dataclass(frozen=True)
class Stats:
    beats: int
    storylets: int
    end_beats: int
    choices: int
    lines: int
    injects: int
    timed_injects: int
    spillovers: int
    roles: int
    remedies: int
    variables: int
    objectives: int
    tests: int
    words: int
    reading_minutes: float
    shortest: tuple[str, ...]
    longest: tuple[str, ...]
    paths: int

    def to_json(self) -> dict:
        out = dict(self.__dict__)
        out["shortest"] = list(self.shortest)
        out["longest"] = list(self.longest)
        return out


def words(text: str) -> int:
    return len(_WORD.findall(text or ""))


def stats_of(scenario: Scenario) -> Stats:
    s = scenario
    texts = [s.title, s.summary, s.situation, s.lesson, s.persona.opening, *(line.text for line in s.persona.lines)]
    for beat in s.beats:
        texts += [beat.title, beat.text]
        for choice in beat.choices:
            texts += [choice.label, choice.text, choice.feedback]
    texts += [i.text for i in s.injects]
    texts += [sp.title + " " + sp.text for sp in s.ripple.spillovers]
    total = sum(words(t) for t in texts)
    flow = flow_of(s)
    found = paths(s, flow) if flow.first else []
    from_first = [p for p in found if p and p[0] == flow.first]
    shortest = tuple(min(from_first, key=len)) if from_first else ()
    longest = tuple(max(from_first, key=len)) if from_first else ()
    return Stats(
        beats=len(s.beats),
        storylets=len(flow.storylets),
        end_beats=sum(1 for b in s.beats if b.end),
        choices=sum(len(b.choices) for b in s.beats),
        lines=len(s.persona.lines),
        injects=len(s.injects),
        timed_injects=sum(1 for i in s.injects if i.at is not None),
        spillovers=len(s.ripple.spillovers),
        roles=len(s.roles),
        remedies=len(s.remedies),
        variables=len(s.state),
        objectives=len(s.objectives),
        tests=len(s.tests),
        words=total,
        reading_minutes=round(total / READING_WPM, 1),
        shortest=shortest,
        longest=longest,
        paths=len(from_first),
    )
