"""`crisis new`: a starter scenario that is valid, lint-clean and playable from the first second.

A blank page is the hardest part of writing a scenario, and a broken starter teaches bad habits.
The template is a small complete case (an onboarding complaint, or a drill with a ladder of roles,
injects and a spillover), commented line by line, with its own playthrough tests, so the author
edits something that already works and `crisis lint`, `crisis test` and `crisis play` pass on it
before the first change. The first line is the yaml-language-server modeline pointing at the
JSON Schema, so VS Code, Neovim and other editors with the YAML language server complete keys and
check values as the author types. The schema is written beside the new file and the modeline
points at it by a relative path, so it resolves wherever the tool is installed (a wheel, pipx, a
checkout) and keeps resolving when the folder is moved or shared.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from simulator.authoring.msel import quote
from simulator.format.schema import to_json_schema

TRACKS = ("onboarding", "drill")
SCHEMA_NAME = "scenario.schema.json"


def slug(name: str) -> str:
    """A scenario id from a name: 'Late Parcel!' -> 'late-parcel'."""
    text = re.sub(r"[^A-Za-z0-9]+", "-", name.strip().lower()).strip("-")
    return text[:60] or "my-scenario"


class SchemaConflict(Exception):
    """A file named scenario.schema.json that is not this tool's schema sits where ours would go."""


def schema_text() -> str:
    """The JSON Schema of the scenario format, as `crisis schema` prints it."""
    return json.dumps(to_json_schema(), indent=2, ensure_ascii=False) + "\n"


def _ours(path: Path) -> bool:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and data.get("$id") == to_json_schema().get("$id")


def write_schema(folder) -> tuple[Path, bool]:
    """`folder/scenario.schema.json`, written or refreshed; returns (path, changed).

    Raises SchemaConflict when a different file of that name is there (it is never overwritten).
    """
    target = Path(folder) / SCHEMA_NAME
    text = schema_text()
    if target.exists():
        if not _ours(target):
            raise SchemaConflict(str(target))
        if target.read_text(encoding="utf-8") == text:
            return target, False
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(target)
    return target, True


def schema_ref(target_dir) -> str:
    """Where the modeline of a scenario in `target_dir` points, always a relative path: the
    project's `../docs/scenario.schema.json` when it is there and current (the bundled scenarios'
    layout), else `./scenario.schema.json`, which `place_schema` writes beside the file."""
    docs = Path(target_dir) / ".." / "docs" / SCHEMA_NAME
    if docs.is_file() and _ours(docs) and docs.read_text(encoding="utf-8") == schema_text():
        return f"../docs/{SCHEMA_NAME}"
    return f"./{SCHEMA_NAME}"


def place_schema(target_dir) -> str:
    """Make the schema reachable from a scenario in `target_dir`; returns the modeline's path."""
    ref = schema_ref(target_dir)
    if ref == f"./{SCHEMA_NAME}":
        write_schema(target_dir)
    return ref


def starter(name: str, track: str = "onboarding", schema: str | None = None) -> str:
    if track not in TRACKS:
        raise ValueError(f"track must be onboarding or drill, not '{track}'")
    ident = slug(name)
    title = " ".join(name.split()) or ident
    text = ONBOARDING if track == "onboarding" else DRILL

    return (text.replace("@@SCHEMA@@", schema or f"./{SCHEMA_NAME}")
            .replace("@@ID@@", ident)
            .replace("@@TITLE@@", quote(title)))


def write_starter(name: str, track: str = "onboarding", folder=".", force: bool = False) -> Path:
    """Write NAME.yaml into `folder` (and the JSON Schema beside it, see `place_schema`); refuses
    to overwrite the scenario unless `force`. Raises FileExistsError or SchemaConflict."""
    target_dir = Path(folder)
    target_dir.mkdir(parents=True, exist_ok=True)
    path = target_dir / f"{slug(name)}.yaml"
    if path.exists() and not force:
        raise FileExistsError(str(path))
    ref = place_schema(target_dir)
    path.write_text(starter(name, track, ref), encoding="utf-8")
    return path


ONBOARDING = """\
# yaml-language-server: $schema=@@SCHEMA@@
# A Crisis Tabletop scenario (format v1). Reference: docs/scenario-format.md
# Check it:  crisis validate FILE   crisis lint FILE   crisis test FILE
# Map it:    crisis graph FILE      Play it: crisis play FILE
format: 1
id: @@ID@@                      # unique among scenarios; in ./scenarios, `crisis play @@ID@@` finds it
title: @@TITLE@@
summary: >-
  A customer's parcel is a week late and she says so in public. Answer her so that she, and
  everyone watching, sees a brand that listens.
track: onboarding               # onboarding: short, one customer; drill: big, several roles
difficulty: 1                   # 1 gentle .. 5 brutal (calibrate with `crisis fuzz`)
time_limit: 2h                  # simulated time the scenario covers
mode: turns                     # the clock moves with the trainee's actions
lesson: >-
  Apologise first, then recruit the customer into the fix with a question.
situation: >-
  You run the brand's social account. A customer has just posted about a late parcel.

brand:
  name: Example Outfitters
  handle: "@ExampleOutfit"      # quote handles: '@' cannot start a plain YAML value
  followers: 20000

persona:                        # the customer
  name: Sam Lee
  handle: "@samlee"
  archetype: reasonable         # see `crisis schema` for the list (jerk_for_sport, ill_informed...)
  anger: 0.5                    # 0..1 at the start
  trust: 0.5
  patience: 0.6
  wants: [to_be_heard, fix]
  reach: 800                    # her own followers
  fair_remedy: 10               # what a fair remedy is worth (judges over- and under-spending)
  opening: >-
    @ExampleOutfit my parcel is a week late and nobody answers the phone. Great service.
  lines:                        # what she may say back, by trigger and mood
    - {trigger: apology, mood: any, text: "Thanks. Order 48213, it was due last Monday."}
    - {trigger: question, mood: any, text: "Order 48213. It was due last Monday."}
    - {trigger: argue, mood: any, text: "So it's my fault your courier lost it? Wow."}
    - {trigger: solution, mood: any, text: "OK, that actually helps. Thank you."}
    - {trigger: form_letter, mood: any, text: "Did a human even read my post?"}
    - {trigger: ignored, mood: any, text: "Still nothing from @ExampleOutfit."}

roles:                          # the trainee plays the one marked trainee: true
  - {id: agent, title: Social agent (you), delay: 0m, authority: 20, trainee: true}
  - {id: supervisor, title: Supervisor, delay: 15m, authority: 100}

remedies:
  - {id: apology, kind: apology, label: A sincere apology, cost: 0, satisfies: [to_be_heard, apology]}
  - {id: reship, kind: replacement, label: Send a replacement by express, cost: 0, satisfies: [fix]}
  - {id: credit, kind: credit, label: Store credit, cost: 10, max: 50, satisfies: [compensation]}

state:                          # declared variables: conditions read them, `set:` writes them
  asked_order: {type: bool, default: false, description: "The trainee asked for the order number."}

beats:                          # the first beat starts the story
  - id: opening
    title: The complaint
    text: She posted two minutes ago. People are watching how you answer. What do you say?
    choices:
      - id: apologise_ask
        label: Apologise and ask for the order number
        text: "We're sorry, Sam. That's not the service we want you to have. What's your order number?"
        features: [apology, question, personalised]   # tagged: the analyser is not consulted
        feedback: "Rule 8 kept (apologise) and rule 6 kept (recruit her into the fix)."
        set: {asked_order: true}
        goto: fix
      - id: blame_courier
        label: Explain that the courier is at fault
        text: "Deliveries are handled by our courier partner, so delays are outside our control."
        features: [argue]
        feedback: "Rule 7 broken: you argued in public. To her, you and your courier are one brand."
        goto: fix

  - id: fix
    title: Put it right
    text: You can reship today by express. What do you tell her?
    choices:
      - id: reship
        label: Reship by express, in public
        when: asked_order           # only offered once you have asked for the order number
        text: "Thanks, Sam. A replacement for order 48213 goes out by express today; tracking follows by DM."
        features: [thanks, solution, personalised]
        feedback: "A concrete fix, seen in public. Rule 4 kept."
      - id: ask_now
        label: Ask for the order number first
        text: "Sorry again, Sam. Could you share your order number so we can fix this today?"
        features: [apology, question, personalised]
        feedback: "Better late than never: rule 6 kept."
        set: {asked_order: true}

  - id: aftermath
    title: Aftermath
    when: "outcome == 'satisfied' or outcome == 'raving_fan'"   # a storylet: comes up by itself
    text: Sam seems happy. Anything to say in public?
    choices:
      - id: thank
        label: Thank her in public
        action: follow_up
        text: "Thanks for your patience, Sam, and enjoy the new gear!"
        features: [thanks, personalised]
        feedback: "Planning question 7: a short visible follow-up shows it was handled."

injects:                        # things that happen to the trainee, at a time or on a condition
  - id: me_too
    at: 20m
    when: "replies == 0"
    from: "@another_customer"
    text: "Same here, my order is late too."
    expected: Acknowledge the second customer as well.
    objective: acknowledge

objectives:                     # rated P/S/M/U in the report
  - {id: acknowledge, text: "Answer in public within 15 minutes", dimension: timeliness, check: "first_response != none and first_response <= 15"}
  - {id: fixed, text: "Leave Sam satisfied or better", dimension: outcome, check: "outcome == 'satisfied' or outcome == 'raving_fan'"}

scoring:
  expected_response: 15m

tests:                          # run with `crisis test FILE`
  - name: model_answer
    seed: 1
    actions:
      - choose: apologise_ask
      - choose: reship
    expect:
      rules_kept: [8, 6]
      beats: [opening, fix]
  - name: argue
    seed: 1
    actions:
      - choose: blame_courier
      - wait: 30m
    expect:
      rules_broken: [7]
  - name: model_beats_argue
    seed: 1
    actions:
      - choose: apologise_ask
      - choose: reship
    expect:
      better_than: argue
"""

DRILL = """\
# yaml-language-server: $schema=@@SCHEMA@@
# A Crisis Tabletop drill (format v1). Reference: docs/scenario-format.md
# Check it:  crisis validate FILE   crisis lint FILE   crisis test FILE   crisis fuzz FILE
# Map it:    crisis graph FILE      Plan it: crisis msel export FILE -o msel.csv
format: 1
id: @@ID@@
title: @@TITLE@@
summary: >-
  A product recall rumour spreads from one angry post. The team decides who speaks, what can be
  offered, and when to go all in.
track: drill
difficulty: 3
time_limit: 6h
mode: realtime                  # the clock runs; `speed` simulated minutes per real second
speed: 2
lesson: >-
  Decide early who needs to know and who can make the all-in call (planning questions 2 and 4).
situation: >-
  A customer says her kettle overheated and her child was nearly burned. The post is spreading
  in a 1,700-member parents' group.

brand:
  name: Example Appliances
  handle: "@ExampleHome"
  followers: 150000
  guidelines_posted: true

persona:
  name: Rita Gomez
  handle: "@ritag"
  archetype: desperate
  anger: 0.7
  trust: 0.3
  patience: 0.5
  wants: [to_be_heard, fix, apology]
  reach: 3000
  fair_remedy: 150
  opening: >-
    @ExampleHome my kettle overheated and nearly burned my daughter. Is anyone going to do
    anything about this?
  lines:
    - {trigger: apology, mood: any, text: "Thank you for taking it seriously. She's fine, just scared."}
    - {trigger: question, mood: any, text: "Model K-200, bought in March. I still have it."}
    - {trigger: argue, mood: any, text: "So you think I'm lying? Parents, read this."}
    - {trigger: solution, mood: any, text: "OK. I'll send it to you. Thank you."}
    - {trigger: ignored, mood: any, text: "Hours, and nothing. @ExampleHome doesn't care about kids."}

audience:
  size: 4000
  groups:
    - {id: customer_followers, kind: customer_followers, share: 0.3}
    - {id: brand_followers, kind: brand_followers, share: 0.4, stance: 0.3}
    - {id: parents_group, kind: community, size: 1700, activity: 0.4}
    - {id: bloggers, kind: bloggers, share: 0.02, activity: 0.4, reach: 25}
    - {id: journalists, kind: journalists, share: 0.01, activity: 0.3, reach: 60}

ripple:
  spillovers:
    - id: news_story
      platform: news
      title: "Local news: parents ask about kettle safety"
      text: "A local outlet picks up the parents' group thread."
      metric: negative_reach
      threshold: 900
      delay: 2h
      group: journalists

roles:
  - {id: agent, title: Social agent (you), delay: 0m, authority: 25, trainee: true}
  - {id: supervisor, title: Care supervisor, delay: 10m, authority: 200}
  - {id: safety, title: Product safety lead, delay: 30m, authority: 0, description: "Decides on testing and recalls."}
  - {id: executive, title: VP Customer, delay: 60m, authority: 1000, can_approve: [recall_test]}

remedies:
  - {id: apology, kind: apology, label: A sincere apology, cost: 0, satisfies: [to_be_heard, apology]}
  - {id: replacement, kind: replacement, label: A replacement kettle, cost: 60, satisfies: [fix]}
  - {id: recall_test, kind: policy_exception, label: Collect and test the kettle, cost: 150, satisfies: [fix, to_be_heard]}

state:
  safety_briefed: {type: bool, default: false, description: "The safety lead has the facts."}

beats:
  - id: opening
    title: A safety claim
    text: A safety claim about a child is spreading. Who speaks, and what do they say first?
    choices:
      - id: take_seriously
        label: Acknowledge, ask for the model, say safety is looking
        text: "Rita, we're so sorry. Your daughter's safety comes first. Which model is it? Our safety team is looking at this now."
        features: [apology, empathy, question, personalised]
        feedback: "Rules 8 and 6 kept. Saying who is looking answers planning question 2: who needs to know."
        set: {safety_briefed: true}
        goto: investigate
      - id: deny
        label: Say the kettles are certified safe
        text: "All our kettles are certified to safety standards and have automatic shut-off."
        features: [argue]
        feedback: "Rule 7 broken: you argued with a frightened parent in public."
        goto: investigate

  - id: investigate
    title: The investigation
    text: The safety lead wants the kettle back for testing. What do you offer?
    choices:
      - id: collect
        label: Offer to collect and test it, and replace it now
        when: safety_briefed
        text: "Rita, we'll collect the kettle for testing tomorrow and send a replacement today. We'll share what we find."
        features: [solution, promise, personalised]
        feedback: "A concrete fix and a promise: now keep it (planning question 6)."
      - id: brief_safety
        label: Brief the safety team first
        text: "Thanks, Rita. I've passed this to our product safety lead and will update you here within the hour."
        features: [thanks, promise, personalised]
        feedback: "Question 2 kept: the right people know. Keep the promise."
        set: {safety_briefed: true}

  - id: news
    title: The news calls
    when: "'news_story' in fired"
    text: A local reporter asks for a statement. What does the brand say in public?
    choices:
      - id: statement
        label: Post a calm public statement
        action: follow_up
        text: "We're investigating a report about a K-200 kettle with the customer. Safety comes first; we'll share what we find."
        features: [solution, empathy]
        feedback: "Planning question 5: be seen doing right where people are watching."

injects:
  - id: group_post
    at: 30m
    kind: post
    from: Parents' group admin
    to: Social team
    delivery: Facebook group post
    text: "Has anyone else had a K-200 overheat? Please share."
    valence: -0.5
    arousal: 0.6
    expected: Acknowledge in the group; point to the public answer.
    objective: own_it
  - id: legal_note
    at: 90m
    kind: internal
    from: Legal
    to: Social team
    delivery: email
    text: "Please don't admit fault in public until testing is done."
    expected: Balance empathy with legal's caution; no admission, no denial.
    objective: own_it

objectives:
  - {id: own_it, text: "Acknowledge Rita in public within 15 minutes", dimension: timeliness, check: "first_response != none and first_response <= 15", question: 1}
  - {id: bring_in, text: "Bring in the supervisor or the executive", dimension: judgment, check: "'supervisor' in escalated or 'executive' in escalated", question: 2}

scoring:
  expected_response: 15m
  escalate_to: supervisor
  escalate_within: 60m

tests:
  - name: take_it_seriously
    seed: 3
    actions:
      - choose: take_seriously
      - escalate: supervisor
      - choose: collect
    expect:
      rules_kept: [8]
      beats: [opening, investigate]
  - name: deny
    seed: 3
    actions:
      - choose: deny
      - wait: 2h
    expect:
      rules_broken: [7]
  - name: serious_beats_deny
    seed: 3
    actions:
      - choose: take_seriously
      - escalate: supervisor
      - choose: collect
    expect:
      better_than: deny
"""
