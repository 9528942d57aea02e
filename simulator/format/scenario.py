"""A loaded scenario: frozen values built from a file that passed every check.

Loading is the edge where untrusted files become trusted values (GUIDE.md section 1): the safe
YAML loader, the schema, then the cross-references (goto targets, roles, remedies, state names in
conditions, duplicate ids). Every problem is collected before anything is raised, so an author
fixes a file in one pass. Nothing downstream re-checks a `Scenario`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from simulator.format import conditions, limits, schema, vocab
from simulator.format.actions import ActionError, parse_actions
from simulator.format.diagnostics import Diagnostic, ScenarioError, did_you_mean
from simulator.format.specs import AudienceSpec, GroupSpec, RippleParams, SpilloverSpec
from simulator.format.yamlsafe import Loaded, YamlError, as_diagnostic, load_bytes, load_path

Variants = tuple[tuple[conditions.Condition, str], ...]


def pick_text(text: str, variants: Variants, env: dict) -> str:
    """Conditional text (`text_when:`): the first variant whose condition holds, else the text."""
    for condition, variant in variants:
        if condition(env):
            return variant
    return text


@dataclass(frozen=True)
class Line:
    text: str
    trigger: str = "any"
    mood: str = "any"
    when: conditions.Condition | None = None
    once: bool = True
    id: str = ""
    texts: Variants = ()


@dataclass(frozen=True)
class Commenter:
    """A named person in the thread besides the main customer, with a persona of their own."""

    id: str
    name: str
    handle: str
    archetype: str
    anger: float
    trust: float
    patience: float
    reach: int
    platform: str
    at: float
    opening: str
    lines: tuple[Line, ...] = ()


@dataclass(frozen=True)
class PersonaSpec:
    name: str
    handle: str
    archetype: str
    anger: float
    trust: float
    patience: float
    wants: tuple[str, ...]
    reach: int
    opening: str
    lines: tuple[Line, ...] = ()
    request: str = ""
    unreasonable_request: bool = False
    fair_remedy: float = 0.0
    facts_wrong: bool = False


@dataclass(frozen=True)
class Brand:
    name: str
    handle: str
    followers: int = 10_000
    guidelines_posted: bool = False
    guidelines: str = ""


@dataclass(frozen=True)
class Role:
    id: str
    title: str
    delay: float = 0.0
    authority: float = 0.0
    can_approve: tuple[str, ...] = ()
    trainee: bool = False
    description: str = ""


@dataclass(frozen=True)
class Remedy:
    id: str
    kind: str = "other"
    label: str = ""
    cost: float = 0.0
    max: float | None = None
    public: bool = False
    satisfies: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()  # what saying it sounds like ("I've put one on hold for you")
    requires: tuple[str, ...] = ()  # roles whose approval it needs


@dataclass(frozen=True)
class Choice:
    id: str
    label: str
    action: str = "reply"
    text: str = ""
    features: tuple[str, ...] = ()
    feedback: str = ""
    when: conditions.Condition | None = None
    set: tuple[tuple[str, object], ...] = ()
    goto: str | None = None
    tagged: bool = False  # the author listed features, so the analyser is not consulted
    sticky: bool = False  # offered again after it was taken
    examples: tuple[str, ...] = ()  # other phrasings that count as this move when typed


@dataclass(frozen=True)
class Says:
    """A trigger on what the trainee says: authors name the claims that change the story
    ("our page was hacked") without writing a suggested move for every way of saying them."""

    id: str
    like: tuple[str, ...]
    set: tuple[tuple[str, object], ...]
    kind: str = "any"
    once: bool = True


@dataclass(frozen=True)
class Beat:
    id: str
    title: str = ""
    text: str = ""
    when: conditions.Condition | None = None
    once: bool = True
    end: bool = False
    choices: tuple[Choice, ...] = ()
    set: tuple[tuple[str, object], ...] = ()
    texts: Variants = ()
    priority: int = 0
    returns: bool = False  # a tunnel: the interrupted beat resumes when it is done


@dataclass(frozen=True)
class Inject:
    id: str
    text: str
    at: float | None = None
    when: conditions.Condition | None = None
    kind: str = "post"
    platform: str = "main"
    sender: str = ""
    to: str = ""
    delivery: str = ""
    valence: float = -0.3
    arousal: float = 0.3
    expected: str = ""
    objective: str = ""
    contingency: str = ""
    set: tuple[tuple[str, object], ...] = ()
    texts: Variants = ()

    @property
    def brand_voice(self) -> bool:
        """A post by the brand's own account that the trainee did not write (`from: brand`)."""
        return self.sender.strip().lower() == "brand" and self.kind == "post"


@dataclass(frozen=True)
class Variable:
    name: str
    type: str
    default: object
    description: str = ""


@dataclass(frozen=True)
class EndCondition:
    when: conditions.Condition
    text: str = ""


@dataclass(frozen=True)
class Objective:
    id: str
    text: str
    dimension: str = "judgment"
    check: conditions.Condition | None = None
    question: int | None = None


@dataclass(frozen=True)
class Scoring:
    weights: tuple[tuple[str, float], ...]
    expected_response: float = 15.0
    escalate_to: str | None = None
    escalate_within: float = 60.0
    private_ok: bool = True
    walk_away_ok: bool = False
    hide_ok: bool = False
    follow_up_expected: bool = False
    reference: tuple = ()


@dataclass(frozen=True)
class Scenario:
    id: str
    title: str
    summary: str
    track: str
    difficulty: int
    time_limit: float
    mode: str
    speed: float
    brand: Brand
    persona: PersonaSpec
    audience: AudienceSpec
    ripple: RippleParams
    roles: tuple[Role, ...]
    remedies: tuple[Remedy, ...]
    state: tuple[Variable, ...]
    beats: tuple[Beat, ...]
    injects: tuple[Inject, ...]
    end: tuple[EndCondition, ...]
    objectives: tuple[Objective, ...]
    scoring: Scoring
    commenters: tuple[Commenter, ...] = ()
    lesson: str = ""
    source: str = ""
    situation: str = ""
    tags: tuple[str, ...] = ()
    tests: tuple = ()
    says: tuple[Says, ...] = ()
    path: str = ""
    sha256: str = ""
    raw: dict = field(default_factory=dict, compare=False, repr=False)
    marks: Loaded | None = field(default=None, compare=False, repr=False)

    @property
    def trainee_role(self) -> Role:
        for role in self.roles:
            if role.trainee:
                return role
        return self.roles[0]

    def role(self, role_id: str) -> Role | None:
        return next((r for r in self.roles if r.id == role_id), None)

    def remedy(self, remedy_id: str) -> Remedy | None:
        return next((r for r in self.remedies if r.id == remedy_id), None)

    def beat(self, beat_id: str) -> Beat | None:
        return next((b for b in self.beats if b.id == beat_id), None)

    def commenter(self, commenter_id: str) -> Commenter | None:
        return next((c for c in self.commenters if c.id == commenter_id), None)

    @property
    def weights(self) -> dict[str, float]:
        return dict(self.scoring.weights)


# ---------------------------------------------------------------- loading


def load_scenario(path) -> Scenario:
    """Load and check a scenario file; raises ScenarioError with every diagnostic found."""
    p = Path(path)
    try:
        info = p.stat()
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(path)
        if not stat.S_ISREG(info.st_mode):  # a FIFO would block the reader, /dev/zero never ends
            raise ScenarioError([Diagnostic(str(path), 1, 1, "error", "io", "not a regular file (a pipe or a device)")])
        size = info.st_size
        if size > 1_000_000:
            raise ScenarioError([Diagnostic(str(path), 1, 1, "error", "too-large", f"the file is {size:,} bytes; the limit is 1,000,000")])
        with p.open("rb") as handle:
            raw = handle.read(1_000_001)
    except IsADirectoryError:
        raise ScenarioError([Diagnostic(str(path), 1, 1, "error", "io", "is a directory, not a scenario file")]) from None
    except OSError as exc:
        raise ScenarioError([Diagnostic(str(path), 1, 1, "error", "io", exc.strerror or str(exc))]) from None
    return load_scenario_bytes(raw, str(path), base_dir=p.parent)


def load_scenario_bytes(raw: bytes, path: str = "<scenario>", base_dir: Path | None = None) -> Scenario:
    try:
        loaded = load_bytes(raw)
    except YamlError as exc:
        raise ScenarioError([as_diagnostic(path, exc)]) from None
    data, diagnostics = schema.check_document(path, loaded)
    if data is not None:
        # A part the structural check already reported may be missing; those errors stand.
        with contextlib.suppress(TypeError, KeyError, AttributeError, ValueError):
            diagnostics += _cross_check(path, loaded, data)
        diagnostics = sorted(set(diagnostics), key=lambda d: (d.line, d.col, d.code))
    if diagnostics:
        raise ScenarioError(diagnostics)
    scenario = _build(cast(dict, data), path, hashlib.sha256(raw).hexdigest(), loaded)
    if base_dir is not None and scenario.audience.file:
        target = (base_dir / scenario.audience.file).resolve()
        if not target.is_file():
            line, col = loaded.mark(("audience", "file"))
            raise ScenarioError([Diagnostic(path, line, col, "error", "missing-file", f"audience file '{scenario.audience.file}' does not exist")])
        object.__setattr__(scenario, "audience", _replace(scenario.audience, file=str(target)))
    return scenario


def _replace(obj, **changes):
    return dataclasses.replace(obj, **changes)


def validate_path(path) -> list[Diagnostic]:
    """Every diagnostic for a file (empty when valid)."""
    try:
        load_scenario(path)
    except ScenarioError as exc:
        return exc.diagnostics
    return []


def _cross_check(path: str, loaded: Loaded, data: dict) -> list[Diagnostic]:
    """References between parts of the file, and names read by conditions."""
    out: list[Diagnostic] = []

    def err(where, code, message, key=False):
        line, col = loaded.key_mark(where) if key else loaded.mark(where)
        out.append(Diagnostic(path, line, col, "error", code, message))

    def unique(section: str, items: list, what: str):
        seen: dict[str, int] = {}
        for i, item in enumerate(items or []):
            if not item:
                continue
            ident = item.get("id")
            if ident in seen:
                err((section, i, "id"), "duplicate-id", f"{what} id '{ident}' is used twice (first in item {seen[ident] + 1})")
            else:
                seen[ident] = i
        return set(seen)

    beats = unique("beats", data["beats"], "beat")
    roles = unique("roles", data["roles"], "role")
    remedies = unique("remedies", data["remedies"], "remedy")
    injects = unique("injects", data["injects"], "inject")
    unique("objectives", data["objectives"], "objective")
    spills = {s["id"] for s in data["ripple"]["spillovers"] or [] if s}
    all_choice_ids: dict[str, tuple] = {}
    variables = data["state"] or {}
    known = set(conditions.BUILTIN_NAMES) | {n for n in variables if n.isidentifier()}

    if not data["roles"]:
        err(("roles",), "empty", "at least one role is needed: the one the trainee plays")
    if sum(1 for r in data["roles"] or [] if r and r.get("trainee")) > 1:
        err(("roles",), "trainee", "only one role can be played by the trainee")

    for name in variables:
        if not name.isidentifier():
            fixed = usable_name(name)
            err(("state", name), "bad-name", f"state variable '{name}' cannot be read by a condition ('-' is minus, '.' is not allowed): "
                f"call it '{fixed}'", key=True)
        elif name in conditions.BUILTIN_NAMES:
            err(("state", name), "bad-name", f"state variable '{name}' hides the built-in name of the same meaning in conditions: "
                f"call it 'my_{name}'", key=True)
    for name, var in variables.items():
        if not var:
            continue
        value = var.get("default")
        expected: Any = {"bool": bool, "int": int, "float": (int, float), "str": str}[var["type"]]
        if value is not None and (not isinstance(value, expected) or (var["type"] != "bool" and isinstance(value, bool))):
            err(("state", name, "default"), "type", f"state variable '{name}' is {var['type']} but its default is {value!r}")

    def check_condition(where, text, extra=frozenset()):
        if not text:
            return
        cond = conditions.parse(text)
        for name in sorted(cond.names - known - extra):
            found = re.search(rf"\b{re.escape(name)}\b", text)
            line, col = loaded.text_mark(where, found.start() if found else 0)
            hint = did_you_mean(name, known) or "; declare it under state: (or see the built-in names in docs/scenario-format-reference.md)"
            out.append(Diagnostic(path, line, col, "error", "unknown-name",
                                  f"condition reads '{name}', which is neither declared in state: nor built in{hint}"))

    def check_variants(where, variants):
        for k, variant in enumerate(variants or []):
            if variant:
                check_condition((*where, k, "when"), variant.get("when"))

    def check_set(where, mapping):
        for name, value in (mapping or {}).items():
            if name not in variables:
                err((*where, name), "unknown-name", f"'{name}' is not a declared state variable{did_you_mean(name, variables)}", key=True)
                continue
            var = variables[name]
            expected = {"bool": bool, "int": int, "float": (int, float), "str": str}[var["type"]] if var else object
            if not isinstance(value, expected) or (var and var["type"] != "bool" and isinstance(value, bool)):
                err((*where, name), "type", f"'{name}' is {var['type']}, not {value!r}")

    for i, beat in enumerate(data["beats"] or []):
        if not beat:
            continue
        check_condition(("beats", i, "when"), beat.get("when"))
        check_variants(("beats", i, "text_when"), beat.get("text_when"))
        if beat.get("return") and not beat.get("when"):
            err(("beats", i, "return"), "return", f"beat '{beat['id']}' has `return: true` but no `when:`: only a storylet interrupts a beat it can return to")
        check_set(("beats", i, "set"), beat.get("set"))
        seen_choice: set[str] = set()
        for j, choice in enumerate(beat.get("choices") or []):
            if not choice:
                continue
            where = ("beats", i, "choices", j)
            if choice["id"] in seen_choice:
                err((*where, "id"), "duplicate-id", f"choice id '{choice['id']}' is used twice in beat '{beat['id']}'")
            seen_choice.add(choice["id"])
            all_choice_ids.setdefault(choice["id"], where)
            if choice.get("goto") and choice["goto"] not in beats:
                err((*where, "goto"), "missing-beat", f"goto '{choice['goto']}': no such beat{did_you_mean(choice['goto'], beats)}")
            if choice["action"] in ("reply", "private", "follow_up", "walk_away") and not choice.get("text"):
                err(where, "required", f"choice '{choice['id']}' is a {choice['action']} and needs 'text'")
            check_condition((*where, "when"), choice.get("when"))
            check_set((*where, "set"), choice.get("set"))

    seen_says: set[str] = set()
    for i, trigger in enumerate(data["says"] or []):
        if not trigger:
            continue
        if trigger["id"] in seen_says:
            err(("says", i, "id"), "duplicate-id", f"says trigger id '{trigger['id']}' is used twice")
        seen_says.add(trigger["id"])
        check_set(("says", i, "set"), trigger.get("set"))
        if not [p for p in trigger.get("like") or [] if str(p).strip()]:
            err(("says", i, "like"), "required", f"says trigger '{trigger['id']}' needs at least one phrasing in 'like'")

    for i, inject in enumerate(data["injects"] or []):
        if not inject:
            continue
        if inject.get("at") is None and not inject.get("when"):
            err(("injects", i), "required", f"inject '{inject['id']}' needs 'at', 'when' or both")
        check_condition(("injects", i, "when"), inject.get("when"))
        check_variants(("injects", i, "text_when"), inject.get("text_when"))
        check_set(("injects", i, "set"), inject.get("set"))
        if inject.get("contingency") and inject["contingency"] not in injects:
            err(("injects", i, "contingency"), "missing-inject", f"contingency '{inject['contingency']}': no such inject{did_you_mean(inject['contingency'], injects)}")
    for i, line in enumerate(data["persona"]["lines"] or []):
        if line:
            check_condition(("persona", "lines", i, "when"), line.get("when"))
            check_variants(("persona", "lines", i, "text_when"), line.get("text_when"))
    commenters = unique("commenters", data.get("commenters") or [], "commenter")
    for i, person in enumerate(data.get("commenters") or []):
        if not person:
            continue
        ident = person["id"]
        if ident in RESERVED_POST_PREFIXES or ident[-1].isdigit():
            err(("commenters", i, "id"), "bad-id", f"commenter id '{ident}' would make post names clash with the engine's "
                f"({', '.join(sorted(RESERVED_POST_PREFIXES))}, or ending in a digit): call them by name, e.g. '{person['name'].split()[0].lower() if person.get('name') else 'dana'}'")
        for j, line in enumerate(person.get("lines") or []):
            if line:
                check_condition(("commenters", i, "lines", j, "when"), line.get("when"))
                check_variants(("commenters", i, "lines", j, "text_when"), line.get("text_when"))
    for i, end in enumerate(data["end"] or []):
        if end:
            check_condition(("end", i, "when"), end.get("when"))
    for i, objective in enumerate(data["objectives"] or []):
        if objective:
            check_condition(("objectives", i, "check"), objective.get("check"), frozenset(conditions.SCORECARD_NAMES))
    for i, remedy in enumerate(data["remedies"] or []):
        for j, role_id in enumerate((remedy or {}).get("requires") or []):
            if role_id not in roles:
                err(("remedies", i, "requires", j), "missing-role", f"no role '{role_id}'{did_you_mean(role_id, roles)}")
    for i, role in enumerate(data["roles"] or []):
        for j, remedy_id in enumerate((role or {}).get("can_approve") or []):
            if remedy_id not in remedies:
                err(("roles", i, "can_approve", j), "missing-remedy", f"no remedy '{remedy_id}'{did_you_mean(remedy_id, remedies)}")
    scoring = data["scoring"]
    if scoring.get("escalate_to") and scoring["escalate_to"] not in roles:
        err(("scoring", "escalate_to"), "missing-role", f"no role '{scoring['escalate_to']}'{did_you_mean(scoring['escalate_to'], roles)}")
    groups = {g["id"] for g in (data["audience"].get("groups") or []) if g}
    for i, spill in enumerate(data["ripple"]["spillovers"] or []):
        if spill:
            check_condition(("ripple", "spillovers", i, "when"), spill.get("when"))
            check_variants(("ripple", "spillovers", i, "text_when"), spill.get("text_when"))
        if spill and groups and spill["group"] not in groups:
            err(("ripple", "spillovers", i, "group"), "missing-group", f"no audience group '{spill['group']}'{did_you_mean(spill['group'], groups)}")
    if data["audience"].get("model") == "file" and not data["audience"].get("file"):
        err(("audience", "model"), "required", "model: file needs audience.file")


    refs = {"roles": roles, "remedies": remedies, "choices": set(all_choice_ids), "commenters": commenters}
    for i, test in enumerate(data["tests"] or []):
        if not test:
            continue
        try:
            parse_actions(test.get("actions") or [], refs=refs)
        except ActionError as exc:
            err(("tests", i, "actions", *exc.where), "bad-action", str(exc))
        for key, what, pool, code in (("spillover", "spillover", spills, "missing-spillover"),
                                      ("no_spillover", "spillover", spills, "missing-spillover"),
                                      ("beats", "beat", beats, "missing-beat")):
            for j, ident in enumerate((test.get("expect") or {}).get(key) or []):
                if ident not in pool:
                    err(("tests", i, "expect", key, j), code, f"no {what} '{ident}'{did_you_mean(ident, pool)}")
    try:
        parse_actions(scoring.get("reference") or [], refs=refs)
    except ActionError as exc:
        err(("scoring", "reference", *exc.where), "bad-action", str(exc))
    return out


RESERVED_POST_PREFIXES = frozenset({"a", "b", "c", "i", "m", "p", "spill"})


def usable_name(name: str) -> str:
    """The name a condition can read: '-' and '.' become '_', a leading digit gets a '_' before it."""
    fixed = "".join(ch if ch.isalnum() or ch == "_" else "_" for ch in name)
    return fixed if fixed[:1].isalpha() or fixed[:1] == "_" else f"_{fixed}"


def _pairs(mapping) -> tuple:
    return tuple(sorted((mapping or {}).items()))


def _cond(text):
    return conditions.parse(text) if text else None


def _variants(entries) -> Variants:
    return tuple((conditions.parse(v["when"]), v["text"]) for v in entries or () if v)


def _lines(entries) -> tuple[Line, ...]:
    return tuple(
        Line(ln["text"], ln["trigger"], ln["mood"], _cond(ln.get("when")), ln["once"], ln.get("id") or f"line{i + 1}",
             _variants(ln.get("text_when")))
        for i, ln in enumerate(entries or ())
    )


def _build(d: dict, path: str, sha: str, loaded: Loaded) -> Scenario:
    p = d["persona"]
    persona = PersonaSpec(
        name=p["name"],
        handle=p["handle"],
        archetype=p["archetype"],
        anger=float(p["anger"]),
        trust=float(p["trust"]),
        patience=float(p["patience"]),
        wants=tuple(p["wants"]),
        reach=int(p["reach"]),
        opening=p["opening"],
        lines=_lines(p["lines"]),
        request=p["request"],
        unreasonable_request=p["unreasonable_request"],
        fair_remedy=float(p["fair_remedy"]),
        facts_wrong=p["facts_wrong"],
    )
    a = d["audience"]
    groups = a.get("groups")
    audience = AudienceSpec(
        size=a["size"],
        model=a["model"],
        m=a["m"],
        p=float(a["p"]),
        file=a.get("file"),
        visibility=float(a["visibility"]),
        **(
            {
                "groups": tuple(
                    GroupSpec(
                        id=g["id"], kind=g["kind"], share=float(g["share"]), size=g.get("size"),
                        stance=float(g["stance"]), activity=float(g["activity"]),
                        susceptibility=float(g["susceptibility"]), reach=float(g["reach"]),
                        trust_brand=float(g["trust_brand"]),
                        trust_customer=None if g.get("trust_customer") is None else float(g["trust_customer"]),
                    )
                    for g in groups
                )
            }
            if groups
            else {}
        ),
    )
    r = d["ripple"]
    ripple = RippleParams(
        platform=r["platform"],
        base_probability=float(r["base_probability"]),
        negativity=float(r["negativity"]),
        moral_emotion=float(r["moral_emotion"]),
        arousal=float(r["arousal"]),
        s0=float(r["s0"]),
        theta=float(r["theta"]),
        stance_step=float(r["stance_step"]),
        spillovers=tuple(
            SpilloverSpec(
                id=s["id"], platform=s["platform"], title=s["title"], text=s["text"], metric=s["metric"],
                threshold=int(s["threshold"]), delay=float(s["delay"]), valence=float(s["valence"]),
                arousal=float(s["arousal"]), group=s["group"], when=_cond(s.get("when")),
                texts=_variants(s.get("text_when")),
            )
            for s in r["spillovers"]
        ),
    )
    s = d["scoring"]
    b = d["brand"]
    return Scenario(
        id=d["id"],
        title=d["title"],
        summary=d["summary"],
        track=d["track"],
        difficulty=d["difficulty"],
        time_limit=float(d["time_limit"]),
        mode=d["mode"],
        speed=float(d["speed"]),
        brand=Brand(b["name"], b["handle"], b["followers"], b["guidelines_posted"], b["guidelines"]),
        persona=persona,
        audience=audience,
        ripple=ripple,
        roles=tuple(
            Role(x["id"], x["title"], float(x["delay"]), float(x["authority"]), tuple(x["can_approve"]), x["trainee"], x["description"])
            for x in d["roles"]
        ),
        remedies=tuple(
            Remedy(x["id"], x["kind"], x["label"] or x["id"], float(x["cost"]), x.get("max"), x["public"], tuple(x["satisfies"]),
                   tuple(x.get("examples") or ()), tuple(x.get("requires") or ()))
            for x in d["remedies"]
        ),
        state=tuple(
            Variable(name, v["type"], v.get("default") if v.get("default") is not None else {"bool": False, "int": 0, "float": 0.0, "str": ""}[v["type"]], v["description"])
            for name, v in d["state"].items()
        ),
        beats=tuple(
            Beat(
                id=x["id"], title=x["title"], text=x["text"], when=_cond(x.get("when")), once=x["once"], end=x["end"],
                choices=tuple(
                    Choice(
                        id=c["id"], label=c["label"], action=c["action"], text=c["text"],
                        features=tuple(c.get("features") or ()), feedback=c["feedback"], when=_cond(c.get("when")),
                        set=_pairs(c.get("set")), goto=c.get("goto"), tagged=c.get("features") is not None,
                        sticky=c["sticky"], examples=tuple(c.get("examples") or ()),
                    )
                    for c in x["choices"]
                ),
                set=_pairs(x.get("set")), texts=_variants(x.get("text_when")), priority=int(x.get("priority") or 0),
                returns=bool(x.get("return")),
            )
            for x in d["beats"]
        ),
        injects=tuple(
            Inject(
                id=x["id"], text=x["text"], at=x.get("at"), when=_cond(x.get("when")), kind=x["kind"], platform=x["platform"],
                sender=x["from"], to=x["to"], delivery=x["delivery"], valence=float(x["valence"]), arousal=float(x["arousal"]),
                expected=x["expected"], objective=x["objective"], contingency=x["contingency"], set=_pairs(x.get("set")),
                texts=_variants(x.get("text_when")),
            )
            for x in d["injects"]
        ),
        end=tuple(EndCondition(conditions.parse(x["when"]), x["text"]) for x in d["end"]),
        objectives=tuple(
            Objective(x["id"], x["text"], x["dimension"], _cond(x.get("check")), x.get("question")) for x in d["objectives"]
        ),
        scoring=Scoring(
            weights=tuple((k, float(v)) for k, v in s["weights"].items()),
            expected_response=float(s["expected_response"]),
            escalate_to=s.get("escalate_to"),
            escalate_within=float(s["escalate_within"]),
            private_ok=s["private_ok"],
            walk_away_ok=s["walk_away_ok"],
            hide_ok=s["hide_ok"],
            follow_up_expected=s["follow_up_expected"],
            reference=tuple(s["reference"]),
        ),
        commenters=tuple(
            Commenter(x["id"], x["name"], x["handle"] or f"@{x['id']}", x["archetype"], float(x["anger"]), float(x["trust"]),
                      float(x["patience"]), int(x["reach"]), x["platform"], float(x["at"] or 0.0), x["opening"], _lines(x["lines"]))
            for x in d.get("commenters") or ()
        ),
        lesson=d["lesson"],
        source=d["source"],
        situation=d["situation"],
        tags=tuple(d["tags"]),
        tests=tuple(d["tests"]),
        says=tuple(Says(x["id"], tuple(x["like"]), _pairs(x.get("set")), x["kind"], x["once"]) for x in d["says"]),
        path=path,
        sha256=sha,
        raw=d,
        marks=loaded,
    )


def bundled_dir() -> Path:
    """Where the bundled scenarios live.

    Installed from a wheel they are package data, `simulator/_bundled/scenarios/` (pyproject.toml
    maps the top-level scenarios/ folder there at build time), found with importlib.resources.
    In a source checkout or an editable install that folder is not built, and the checkout's own
    scenarios/ folder is used.
    """
    packaged = bundled_resource("scenarios")
    if packaged is not None:
        return packaged
    return Path(__file__).resolve().parents[2] / "scenarios"


def bundled_resource(name: str) -> Path | None:
    """A folder or file the wheel ships under `simulator/_bundled/` (scenarios, docs), if installed so."""
    from importlib.resources import files

    try:
        found = files("simulator._bundled") / name
    except ModuleNotFoundError:
        return None
    if isinstance(found, Path) and found.exists():
        return found
    return None


def scenario_folders() -> list[Path]:
    """The bundled folder, then the folders named by CRISIS_SCENARIOS (os.pathsep-separated)."""
    extra = [Path(p).expanduser() for p in os.environ.get("CRISIS_SCENARIOS", "").split(os.pathsep) if p.strip()]
    return [bundled_dir(), *extra]


def scenario_files(paths) -> list[Path]:
    """Scenario files named, or found in the named folders (play tests left out)."""
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            out.extend(sorted(x for x in p.glob("*.yaml") if not x.name.endswith(".playtest.yaml")))
        else:
            out.append(p)
    return out


def find_scenario(ref: str | None, folders=None) -> Path:
    """A scenario path from an id or a path; None means the bundled starter.

    An id is looked up in `folders` (default: `scenario_folders()`), first by file name, then by
    the `id:` inside each file; play-test files are never taken for scenarios.
    """
    if not ref:
        ref = STARTER_ID
    if len(ref) > limits.MAX_REF or "\x00" in ref or limits.has_lone_surrogate(ref):
        shown = ref[:40] + "…" if len(ref) > 40 else ref
        raise FileNotFoundError(f"no scenario '{shown}' (an id or path of at most {limits.MAX_REF} characters, "
                                "with no NUL or lone surrogate)")
    candidate = Path(ref)
    try:
        if candidate.suffix in (".yaml", ".yml") or candidate.exists():
            return candidate
    except (OSError, ValueError):  # a name the OS refuses
        pass
    searched = [Path(f) for f in (scenario_folders() if folders is None else folders)]
    files = [p for f in searched if f.exists() for p in scenario_files([f])]
    for path in files:
        if path.stem == ref or path.stem.replace("_", "-") == ref:
            return path
    for path in files:
        try:
            data = load_path(path).data
        except Exception:
            continue
        if isinstance(data, dict) and data.get("id") == ref:
            return path
    raise FileNotFoundError(f"no scenario '{ref}' (give a path or one of the ids `crisis list` shows)")


STARTER_ID = "stock-check"

_ = vocab  # the vocabulary is re-exported for authors of tools
