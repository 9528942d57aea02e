"""The scenario format v1, defined once.

The same tree of `Field`s validates a loaded file (with line and column for every problem, unknown
keys with a "did you mean"), fills in defaults, and is turned into the published JSON Schema
(draft-07, with descriptions, defaults and enums) that `crisis schema` prints and editors use.
One source of truth means the docs, the editor and the validator cannot drift apart.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Any, cast

from simulator.format import conditions, vocab
from simulator.format.diagnostics import Diagnostic, did_you_mean
from simulator.format.durations import parse_duration
from simulator.format.specs import GROUP_KINDS

_MISSING = object()
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"
_ID = re.compile(ID_PATTERN)


@dataclass(frozen=True)
class Field:
    """One node of the format: its type, constraints, default and the sentence that documents it."""

    kind: str  # str id int number bool duration condition enum list object map any
    description: str = ""
    default: Any = _MISSING
    required: bool = False
    enum: tuple = ()
    minimum: float | None = None
    maximum: float | None = None
    max_length: int | None = None
    items: Field | None = None
    fields: dict[str, Field] = field(default_factory=dict)
    values: Field | None = None
    examples: tuple = ()


def Str(description, **kw):
    return Field("str", description, max_length=kw.pop("max_length", 4000), **kw)


def Id(description, **kw):
    return Field("id", description, **kw)


def bound(x: float) -> str:
    """A range bound as an author writes it: large whole numbers in full (2,000,000, not 2e+06)."""
    return f"{int(x):,}" if float(x).is_integer() and abs(x) >= 10_000 else f"{x:g}"


def Int(description, **kw):
    return Field("int", description, **kw)


def Num(description, **kw):
    return Field("number", description, **kw)


def Bool(description, default=False):
    return Field("bool", description, default=default)


def Dur(description, **kw):
    return Field("duration", description, **kw)


def Cond(description, **kw):
    return Field("condition", description, **kw)


def Enum(description, values, **kw):
    return Field("enum", description, enum=tuple(values), **kw)


def List(description, items, **kw):
    return Field("list", description, items=items, **kw)


def Obj(description, fields, **kw):
    return Field("object", description, fields=fields, **kw)


def Map(description, values, **kw):
    return Field("map", description, values=values, **kw)


def Any_(description, **kw):
    return Field("any", description, **kw)


UNIT = {"minimum": 0.0, "maximum": 1.0}

TEXT_WHEN = List(
    "Conditional text: the first entry whose `when:` holds (read when the text is shown) replaces `text`.",
    Obj("A variant of the text.", {
        "when": Cond("The variant is used while this holds.", required=True),
        "text": Str("The text used then.", required=True),
    }),
    default=[],
)

LINE = Obj(
    "A line the customer may say. Lines are picked by trigger and mood band; `when:` narrows them.",
    {
        "id": Id("Optional id, for lint and tests."),
        "trigger": Enum("What the customer is reacting to.", vocab.TRIGGERS, default="any"),
        "mood": Enum("Mood band this line fits ('any' fits all).", ("any", *vocab.MOODS), default="any"),
        "when": Cond("Extra condition on the session state."),
        "text": Str("What the customer posts.", required=True),
        "text_when": TEXT_WHEN,
        "once": Bool("Say this line at most once.", default=True),
    },
)

GROUP = Obj(
    "A slice of the audience.",
    {
        "id": Id("Group id, e.g. customer_followers.", required=True),
        "kind": Enum("What kind of people they are.", GROUP_KINDS, default="public"),
        "share": Num("Fraction of the audience (normalised over groups).", default=0.0, minimum=0.0, maximum=1.0),
        "size": Int("Exact number of members (e.g. a 1,700-member group); overrides share.", minimum=1, maximum=5_000_000),
        "stance": Num("Mean stance toward the brand before anything happens.", default=0.0, minimum=-1.0, maximum=1.0),
        "activity": Num("How likely a member shares what they see.", default=0.3, **UNIT),
        "susceptibility": Num("Multiplier on the chance an exposure leads to a share.", default=1.0, minimum=0.0, maximum=10.0),
        "reach": Num("Relative weight of one member's voice.", default=1.0, minimum=0.0, maximum=10_000.0),
        "trust_brand": Num("How much a brand post moves them.", default=0.5, **UNIT),
        "trust_customer": Num("How much the customer's posts move them (default: 0.8 for the customer's followers, 0.5 for others).", **UNIT),
    },
)

SPILLOVER = Obj(
    "A jump to another platform when spread crosses a threshold, after a delay.",
    {
        "id": Id("Spillover id (tests and lint refer to it).", required=True),
        "platform": Enum("Where it appears.", vocab.PLATFORMS, default="blog"),
        "title": Str("Headline shown in the feed.", default=""),
        "text": Str("What the post says.", default=""),
        "metric": Enum("What is compared with the threshold.", ("reach", "negative_reach", "item_reach"), default="negative_reach"),
        "threshold": Int("Value of the metric that triggers it.", default=500, minimum=1),
        "delay": Dur("Delay between crossing and appearing (news-to-blog lag is about 2.5 h).", default="150m"),
        "valence": Num("How it leans: -1 against the brand .. 1 for it.", default=-0.6, minimum=-1.0, maximum=1.0),
        "arousal": Num("How heated it is.", default=0.6, **UNIT),
        "group": Str("Audience group that posts it.", default="bloggers", max_length=64),
        "when": Cond("It appears only if this holds once its delay is over (it waits until it does)."),
        "text_when": TEXT_WHEN,
        "msel": Map("Your own MSEL columns (Notes, Owner...), kept through `crisis msel` export and import.", Str("cell", max_length=4000)),
    },
)

CHOICE = Obj(
    "A suggested move, one keystroke away in the composer. Tag replies with the features they show.",
    {
        "id": Id("Choice id (play scripts use `choose: ID`).", required=True),
        "label": Str("Short label shown in the list.", required=True, max_length=200),
        "action": Enum("What kind of move it is.", vocab.CHOICE_ACTIONS, default="reply"),
        "text": Str("The words posted.", default=""),
        "features": List("Reply features this text shows (the analyser is not consulted).", Enum("feature", vocab.FEATURES)),
        "feedback": Str("Coach's feedback when chosen; quote the rule.", default=""),
        "when": Cond("Only offered while this holds."),
        "set": Map("State variables to set when chosen.", Any_("value")),
        "goto": Id("Beat to move to after this choice."),
        "examples": List("Other phrasings that count as this move: free text like any of them (or like `text`) takes this branch.",
                         Str("phrasing", max_length=1000), default=[]),
        "sticky": Bool("Offer it again after it was taken (suggested moves are once-only by default, like ink's choices).", default=False),
    },
)

BEAT = Obj(
    "A moment in the story. Beats with `when:` are storylets: they come up when their condition holds.",
    {
        "id": Id("Beat id.", required=True),
        "title": Str("Short title for the map and the timeline.", default="", max_length=200),
        "text": Str("Narration shown to the trainee.", default=""),
        "text_when": TEXT_WHEN,
        "when": Cond("Storylet condition: the beat comes up when this holds."),
        "priority": Int("Storylet priority: the highest eligible storylet comes up first, and a storylet never interrupts a beat of higher priority.", default=0, minimum=-100, maximum=100),
        "return": Bool("Storylet as a tunnel: when one of its choices without `goto:` is taken (or at once if it has none), the interrupted beat resumes with its choices.", default=False),
        "once": Bool("Come up at most once.", default=True),
        "end": Bool("Reaching this beat ends the scenario.", default=False),
        "choices": List("Suggested moves.", CHOICE, default=[]),
        "set": Map("State variables to set on entering.", Any_("value")),
    },
)

INJECT = Obj(
    "Something that happens to the trainee: at a time, when a condition holds, or both.",
    {
        "id": Id("Inject id.", required=True),
        "at": Dur("When it fires (scenario time)."),
        "when": Cond("Fires when this holds (after `at`, if both)."),
        "kind": Enum("What it is.", ("post", "news", "message", "internal", "customer"), default="post"),
        "platform": Enum("Where it appears.", vocab.PLATFORMS, default="main"),
        "from": Str("Who it comes from; `brand` makes it a post by the brand's own account that the trainee did not write (an owner, a colleague, an old post resurfacing).", default="", max_length=200),
        "to": Str("Who receives it (MSEL).", default="", max_length=200),
        "delivery": Str("Delivery method (MSEL).", default="", max_length=200),
        "text": Str("What it says.", required=True),
        "text_when": TEXT_WHEN,
        "valence": Num("How a public inject leans.", default=-0.3, minimum=-1.0, maximum=1.0),
        "arousal": Num("How heated a public inject is.", default=0.3, **UNIT),
        "expected": Str("Expected player action (MSEL).", default=""),
        "objective": Str("Objective it exercises (MSEL).", default="", max_length=200),
        "contingency": Str("Contingency inject id if the expected action does not happen (MSEL).", default="", max_length=200),
        "set": Map("State variables to set when it fires.", Any_("value")),
        "msel": Map("Your own MSEL columns (Notes, Owner...), kept through `crisis msel` export and import.", Str("cell", max_length=4000)),
    },
)

ROLE = Obj(
    "A role on the escalation ladder.",
    {
        "id": Id("Role id (agent, supervisor, pr, legal, executive, account_manager...).", required=True),
        "title": Str("Title shown to the trainee.", required=True, max_length=200),
        "delay": Dur("How long this role takes to answer an escalation.", default=0),
        "authority": Num("Largest remedy value this role can approve (the 'all in').", default=0, minimum=0),
        "can_approve": List("Remedy ids this role can approve regardless of value.", Id("remedy id"), default=[]),
        "trainee": Bool("The trainee plays this role (default: the first role).", default=False),
        "description": Str("What this role is for.", default=""),
    },
)

REMEDY = Obj(
    "A remedy in the catalogue.",
    {
        "id": Id("Remedy id.", required=True),
        "kind": Enum("What kind of remedy.", vocab.REMEDY_KINDS, default="other"),
        "label": Str("Label shown in the offer dialog.", default="", max_length=200),
        "cost": Num("Default value (money or equivalent).", default=0, minimum=0),
        "max": Num("Largest value that makes sense for this remedy.", minimum=0),
        "public": Bool("Offered in public (e.g. a public apology).", default=False),
        "satisfies": List("Customer wants it answers.", Enum("want", vocab.WANTS), default=[]),
        "examples": List("How committing to it sounds in a reply (\"I've put one on hold for you\"): a typed reply that commits to it applies it.",
                         Str("phrasing", max_length=1000), default=[]),
        "requires": List("Roles whose approval it needs: it cannot be offered until each has answered an escalation.", Id("role id"), default=[]),
    },
)

COMMENTER = Obj(
    "Someone in the thread besides the main customer, with their own persona; the trainee can answer them by name.",
    {
        "id": Id("Commenter id (play scripts reply with `reply: {to: ID, text: ...}`; their posts are named ID1, ID2...).", required=True),
        "name": Str("Display name.", required=True, max_length=200),
        "handle": Str("Social handle.", default="", max_length=100),
        "archetype": Enum("How they behave (docs/personas.md).", vocab.ARCHETYPES, default="reasonable"),
        "anger": Num("Starting anger.", default=0.5, **UNIT),
        "trust": Num("Starting trust in the brand.", default=0.5, **UNIT),
        "patience": Num("Starting patience.", default=0.6, **UNIT),
        "reach": Int("Their own followers: a visible share of them (`audience: visibility:`) sees each of their posts "
                     "and may reshare it, so a higher reach spreads their posts further (0: only the thread sees them).",
                     default=200, minimum=0, maximum=1_000_000_000),
        "platform": Enum("Where they post.", vocab.PLATFORMS, default="main"),
        "at": Dur("When their first post appears.", default=0),
        "opening": Str("Their first post.", required=True),
        "lines": List("What they may say when answered.", LINE, default=[]),
    },
)

VARIABLE = Obj(
    "A declared state variable.",
    {
        "type": Enum("Its type.", ("bool", "int", "float", "str"), required=True),
        "default": Any_("Starting value."),
        "description": Str("What it tracks.", default=""),
    },
)

OBJECTIVE = Obj(
    "An exercise objective, rated P/S/M/U in the report.",
    {
        "id": Id("Objective id.", required=True),
        "text": Str("The objective in words.", required=True),
        "dimension": Enum("Scorecard dimension it belongs to.", vocab.DIMENSIONS, default="judgment"),
        "check": Cond("Condition that holds at the end when the objective was met."),
        "question": Int("Planning question (1-7) it exercises.", minimum=1, maximum=7),
    },
)

EXPECT = Obj(
    "What a playthrough test expects.",
    {
        "outcome": Any_("Expected customer outcome (or a list of acceptable ones)."),
        "overall_min": Num("Overall score at least this.", minimum=0, maximum=100),
        "overall_max": Num("Overall score at most this.", minimum=0, maximum=100),
        "negative_reach_max": Int("Negative reach stays under this.", minimum=0),
        "negative_reach_min": Int("Negative reach at least this.", minimum=0),
        "rules_broken": List("Rules broken at least once.", Int("rule", minimum=1, maximum=9)),
        "rules_kept": List("Rules kept at least once.", Int("rule", minimum=1, maximum=9)),
        "spillover": List("Spillovers that must fire.", Id("spillover id")),
        "no_spillover": List("Spillovers that must not fire.", Id("spillover id")),
        "grade": Any_("Expected grade (or a list)."),
        "beats": List("Beats that must be visited.", Id("beat id")),
        "better_than": Id("Name of another test in this file whose overall score this one must beat."),
    },
)

SAYS = Obj(
    "A trigger on what the trainee says: a message like one of the phrases sets state (\"our page was hacked\" sets claimed_hacked).",
    {
        "id": Id("Trigger id (the trace and the tests name it).", required=True),
        "like": List("Phrasings that count: a sentence of the message close in meaning to any of them fires it.",
                     Str("phrasing", max_length=1000), required=True),
        "kind": Enum("Which messages it listens to.", ("any", "reply", "private", "follow_up", "walk_away"), default="any"),
        "set": Map("State variables to set when it fires.", Any_("value"), required=True),
        "once": Bool("Fire at most once a session.", default=True),
    },
)

TEST = Obj(
    "A scripted playthrough test, run by `crisis test`.",
    {
        "name": Id("Test name.", required=True),
        "seed": Int("Seed for this test.", default=1),
        "actions": List("Actions, as in a play script.", Any_("action"), default=[]),
        "expect": EXPECT,
    },
)

SCENARIO = Obj(
    "A Crisis Tabletop scenario (format v1).",
    {
        "format": Int("Format version.", default=1, minimum=1, maximum=1),
        "id": Id("Scenario id, unique among scenarios.", required=True),
        "title": Str("Title.", required=True, max_length=200),
        "summary": Str("One or two sentences for the scenario list.", required=True, max_length=1000),
        "track": Enum("Onboarding (short, one customer) or drill (big, several roles).", ("onboarding", "drill"), default="onboarding"),
        "difficulty": Int("1 (gentle) to 5 (brutal), calibrated with `crisis fuzz`.", default=2, minimum=1, maximum=5),
        "time_limit": Dur("Simulated time the scenario covers.", default="120m"),
        "mode": Enum("Turns (the clock moves with actions) or realtime (with a speed factor).", ("turns", "realtime"), default="turns"),
        "speed": Num("Realtime: simulated minutes per real second.", default=1.0, minimum=0.01, maximum=600),
        "lesson": Str("The lesson this scenario teaches.", default=""),
        "source": Str("Where the case comes from (seed article, real case).", default=""),
        "situation": Str("Briefing: what is going on.", default=""),
        "tags": List("Free tags.", Str("tag", max_length=64), default=[]),
        "brand": Obj(
            "The brand the trainee speaks for.",
            {
                "name": Str("Brand name.", required=True, max_length=200),
                "handle": Str("Social handle.", required=True, max_length=100),
                "followers": Int("Follower count shown in the briefing.", default=10_000, minimum=0),
                "guidelines_posted": Bool("Community guidelines are posted where people can see them.", default=False),
                "guidelines": Str("The guidelines' text.", default=""),
            },
            required=True,
        ),
        "persona": Obj(
            "The customer.",
            {
                "name": Str("Display name.", required=True, max_length=200),
                "handle": Str("Social handle.", required=True, max_length=100),
                "archetype": Enum("How they behave (docs/personas.md).", vocab.ARCHETYPES, default="reasonable"),
                "anger": Num("Starting anger.", default=0.5, **UNIT),
                "trust": Num("Starting trust in the brand.", default=0.5, **UNIT),
                "patience": Num("Starting patience.", default=0.6, **UNIT),
                "wants": List("What they want.", Enum("want", vocab.WANTS), default=["to_be_heard", "fix"]),
                "reach": Int("Their own followers.", default=500, minimum=0),
                "request": Str("What they ask for, in their words.", default=""),
                "unreasonable_request": Bool("Their request cannot be granted (rule 9 applies).", default=False),
                "fair_remedy": Num("Value of a fair remedy (judges all-in spend).", default=0, minimum=0),
                "facts_wrong": Bool("They have the facts wrong (well-meaning but ill-informed).", default=False),
                "opening": Str("The complaint that starts it all.", required=True),
                "lines": List("What they may say.", LINE, default=[]),
            },
            required=True,
        ),
        "commenters": List("Other named people in the thread, each with a persona; the crowd beyond them is the audience.", COMMENTER, default=[]),
        "audience": Obj(
            "How the audience graph is built.",
            {
                "size": Int("Number of people in the audience graph.", default=2000, minimum=10, maximum=2_000_000),
                "model": Enum("Generator, or 'file'.", ("powerlaw_cluster", "barabasi_albert", "watts_strogatz", "file"), default="powerlaw_cluster"),
                "m": Int("Edges per new node (powerlaw_cluster, barabasi_albert) or neighbours (watts_strogatz).", default=3, minimum=1, maximum=50),
                "p": Num("Triangle / rewiring probability.", default=0.1, **UNIT),
                "file": Str("GraphML or edge-list file, relative to the scenario.", max_length=500),
                "visibility": Num("Share of the customer's and the brand's follower groups that sees each of their posts.", default=0.4, **UNIT),
                "groups": List("Who is in it.", GROUP),
            },
            default={},
        ),
        "ripple": Obj(
            "How posts spread (defaults from published figures; docs/ripple.md).",
            {
                "platform": Enum("Main platform.", vocab.PLATFORMS, default="twitter"),
                "base_probability": Num("Chance an exposure is reshared.", default=0.03, **UNIT),
                "negativity": Num("Odds multiplier for negative content (+70%: Vosoughi et al. 2018).", default=1.7, minimum=0.1, maximum=20),
                "moral_emotion": Num("Boost per moral-emotional word (+20%: Brady et al. 2017).", default=0.2, minimum=0, maximum=5),
                "arousal": Num("Weight of anger on virality (Berger & Milkman 2012).", default=1.0, minimum=0, maximum=10),
                "s0": Num("Minutes the SEISMIC delay kernel stays flat.", default=5.0, minimum=0.1, maximum=600),
                "theta": Num("SEISMIC power-law exponent 1 + theta.", default=0.23, minimum=0.01, maximum=5),
                "stance_step": Num("How far one exposure moves a stance.", default=0.15, **UNIT),
                "spillovers": List("Jumps to other platforms.", SPILLOVER, default=[]),
            },
            default={},
        ),
        "roles": List(
            "The escalation ladder. The trainee plays the first role unless one says `trainee: true`.",
            ROLE,
            default=[
                {"id": "agent", "title": "Social agent", "delay": 0, "authority": 25},
                {"id": "supervisor", "title": "Supervisor", "delay": "15m", "authority": 200},
            ],
        ),
        "remedies": List(
            "What can be offered.",
            REMEDY,
            default=[
                {"id": "apology", "kind": "apology", "label": "A sincere apology", "cost": 0, "satisfies": ["apology", "to_be_heard"]},
                {"id": "credit", "kind": "credit", "label": "Store credit", "cost": 20, "max": 200, "satisfies": ["compensation"]},
            ],
        ),
        "state": Map("Declared state variables.", VARIABLE, default={}),
        "beats": List("The story: the first beat starts it.", BEAT, default=[]),
        "injects": List("Timed and conditional injects.", INJECT, default=[]),
        "says": List("Triggers on what the trainee says, matched by meaning (docs/meaning.md).", SAYS, default=[]),
        "end": List(
            "Extra end conditions (the time limit always ends it).",
            Obj("An end condition.", {"when": Cond("Ends when this holds.", required=True), "text": Str("Why it ended.", default="")}),
            default=[],
        ),
        "objectives": List("Exercise objectives.", OBJECTIVE, default=[]),
        "scoring": Obj(
            "How the session is scored.",
            {
                "weights": Obj(
                    "Weight of each dimension in the overall score.",
                    {d: Num(f"Weight of {d}.", default=vocab.DEFAULT_WEIGHTS[d], minimum=0, maximum=10) for d in vocab.DIMENSIONS},
                    default={},
                ),
                "expected_response": Dur("A first public response later than this starts costing timeliness.", default="15m"),
                "escalate_to": Id("Role that should be brought in (judgment)."),
                "escalate_within": Dur("...within this time.", default="60m"),
                "private_ok": Bool("Moving private is the right move here, after a public acknowledgement.", default=True),
                "walk_away_ok": Bool("Walking away is justified here (after trying).", default=False),
                "hide_ok": Bool("Hiding the customer's post is justified here (with guidelines and an explanation).", default=False),
                "follow_up_expected": Bool("An aftermath follow-up is expected.", default=False),
                "reference": List("A reference good playthrough (actions, as in a play script).", Any_("action"), default=[]),
            },
            default={},
        ),
        "tests": List("Scripted playthrough tests (`crisis test`).", TEST, default=[]),
    },
)


# ---------------------------------------------------------------- validation


class _Checker:
    def __init__(self, path: str, loaded):
        self.path = path
        self.loaded = loaded
        self.diagnostics: list[Diagnostic] = []

    def error(self, where: tuple, code: str, message: str, key: bool = False) -> None:
        line, col = self.loaded.key_mark(where) if key else self.loaded.mark(where)
        self.diagnostics.append(Diagnostic(self.path, line, col, "error", code, message))

    def check(self, spec: Field, value, where: tuple):
        """Validate `value` against `spec`; return it with defaults filled in (or None if broken)."""
        kind = spec.kind
        name = ".".join(str(p) for p in where) or "the top level"
        if kind == "any":
            return value
        if kind == "object":
            if not isinstance(value, dict):
                self.error(where, "type", f"{name} must be a mapping of keys to values")
                return None
            result = {}
            for key in value:
                if key not in spec.fields:
                    self.error(
                        (*where, key),
                        "unknown-key",
                        f"unknown key '{key}' {'in ' + name if where else 'at the top level'}"
                        f"{did_you_mean(key, spec.fields)}",
                        key=True,
                    )
            for key, sub in spec.fields.items():
                if key in value:
                    checked = self.check(sub, value[key], (*where, key))
                    if checked is not None or value[key] is None:
                        result[key] = checked
                elif sub.required:
                    self.error(where, "required", f"{name} needs '{key}': {sub.description}")
                else:
                    result[key] = _default(sub)
            return result
        if kind == "map":
            if not isinstance(value, dict):
                self.error(where, "type", f"{name} must be a mapping")
                return None
            out = {}
            for key, item in value.items():
                if not isinstance(key, str) or not _ID.match(key):
                    self.error((*where, key), "bad-id", f"'{key}' is not a valid name (letters, digits, _ . -)", key=True)
                    continue
                out[key] = self.check(cast(Field, spec.values), item, (*where, key))
            return out
        if kind == "list":
            if not isinstance(value, list):
                self.error(where, "type", f"{name} must be a list")
                return None
            return [self.check(cast(Field, spec.items), item, (*where, i)) for i, item in enumerate(value)]
        if value is None:
            if spec.required:
                self.error(where, "required", f"{name} must not be empty")
            return None
        if kind in ("str", "condition"):
            if not isinstance(value, str):
                if isinstance(value, bool | int | float) and kind == "str":
                    return str(value)
                self.error(where, "type", f"{name} must be text")
                return None
            if spec.max_length is not None and len(value) > spec.max_length:
                self.error(where, "too-long", f"{name} is {len(value)} characters; at most {spec.max_length}")
                return None
            if kind == "condition":
                try:
                    conditions.parse(value)
                except conditions.ConditionError as exc:
                    line, col = self.loaded.text_mark(where, len(value) - len(value.lstrip()) + exc.col - 1)
                    self.diagnostics.append(
                        Diagnostic(self.path, line, col, "error", "condition", f"in {name}: {exc}")
                    )
                    return None
            return value
        if kind == "id":
            if not isinstance(value, str | int) or isinstance(value, bool) or not _ID.match(str(value)):
                self.error(where, "bad-id", f"{name} must be an id (letters, digits, _ . -), got {value!r}")
                return None
            return str(value)
        if kind == "bool":
            if not isinstance(value, bool):
                self.error(where, "type", f"{name} must be true or false, got {value!r}")
                return None
            return value
        if kind in ("int", "number"):
            ok = isinstance(value, int) if kind == "int" else isinstance(value, int | float)
            if isinstance(value, bool) or not ok:
                what = "a whole number" if kind == "int" else "a number"
                self.error(where, "type", f"{name} must be {what}, got {value!r}")
                return None
            if value != value or value in (float("inf"), float("-inf")):
                self.error(where, "range", f"{name} must be a finite number")
                return None
            if spec.minimum is not None and value < spec.minimum:
                self.error(where, "range", f"{name} must be at least {bound(spec.minimum)}, got {value}")
                return None
            if spec.maximum is not None and value > spec.maximum:
                self.error(where, "range", f"{name} must be at most {bound(spec.maximum)}, got {value}")
                return None
            return value
        if kind == "duration":
            try:
                return parse_duration(value)
            except ValueError as exc:
                self.error(where, "duration", f"{name}: {exc}")
                return None
        if kind == "enum":
            if value not in spec.enum:
                self.error(
                    where,
                    "enum",
                    f"{name} must be one of {', '.join(map(str, spec.enum))}; got '{value}'"
                    f"{did_you_mean(value, spec.enum)}",
                )
                return None
            return value
        raise AssertionError(kind)


def _default(spec: Field):
    if spec.default is _MISSING:
        if spec.kind == "object":
            return None
        return None
    default = spec.default
    if spec.kind == "duration":
        return parse_duration(default)
    if spec.kind == "object" and isinstance(default, dict):
        return {k: (default[k] if k in default else _default(f)) for k, f in spec.fields.items()}
    if spec.kind == "list" and isinstance(default, list) and spec.items and spec.items.kind == "object":
        return [{k: ((parse_duration(d[k]) if f.kind == "duration" else d[k]) if k in d else _default(f)) for k, f in spec.items.fields.items()} for d in default]
    if isinstance(default, list | dict):
        return copy.deepcopy(default)
    return default


def check_document(path: str, loaded, spec: Field = SCENARIO) -> tuple[dict | None, list[Diagnostic]]:
    """Structural validation of a whole document: returns (normalised data, diagnostics)."""
    checker = _Checker(path, loaded)
    if loaded.data is None:
        checker.error((), "empty", "the file is empty; a scenario needs at least id, title, summary, brand and persona")
        return None, checker.diagnostics
    data = checker.check(spec, loaded.data, ())
    return data, checker.diagnostics


# ---------------------------------------------------------------- JSON Schema


def to_json_schema(spec: Field = SCENARIO) -> dict:
    """Draft-07 JSON Schema of the format, for editors and tools."""
    schema = _node(spec)
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": "https://crisis-tabletop.invalid/schema/scenario-v1.json",
        "title": "Crisis Tabletop scenario (format v1)",
        **schema,
    }


def _node(spec: Field) -> dict:
    out: dict = {}
    if spec.description:
        out["description"] = spec.description
    kind = spec.kind
    if kind == "object":
        out["type"] = "object"
        out["properties"] = {k: _node(f) for k, f in spec.fields.items()}
        required = [k for k, f in spec.fields.items() if f.required]
        if required:
            out["required"] = required
        out["additionalProperties"] = False
    elif kind == "map":
        out["type"] = "object"
        out["additionalProperties"] = _node(cast(Field, spec.values))
        out["propertyNames"] = {"pattern": ID_PATTERN}
    elif kind == "list":
        out["type"] = "array"
        out["items"] = _node(cast(Field, spec.items))
    elif kind in ("str", "condition"):
        out["type"] = "string"
        if spec.max_length:
            out["maxLength"] = spec.max_length
    elif kind == "id":
        out["type"] = "string"
        out["pattern"] = ID_PATTERN
    elif kind == "bool":
        out["type"] = "boolean"
    elif kind == "int":
        out["type"] = "integer"
    elif kind == "number":
        out["type"] = "number"
    elif kind == "duration":
        out["type"] = ["number", "string"]
        out["pattern"] = r"^\s*(?:[Tt]\+)?(\d+(\.\d+)?\s*(d|h|m|min|s)?\s*)+$"
        out["examples"] = ["90m", "2h", "1d 3h", 45]
    elif kind == "enum":
        out["enum"] = list(spec.enum)
    if spec.minimum is not None:
        out["minimum"] = spec.minimum
    if spec.maximum is not None:
        out["maximum"] = spec.maximum
    if spec.default is not _MISSING and kind not in ("object",):
        out["default"] = spec.default
    return out
