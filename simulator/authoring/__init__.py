"""The authoring toolchain: what trainers use to write, check, map and test their scenarios.

Each module holds one idea and works on a loaded `Scenario` (the loader has already refused
anything malformed), so the tools never re-validate and never disagree with the engine:
- `domains`  which values each name a `when:` reads can take, and whether a condition can hold;
- `flow`     the beat graph: first beat, goto edges, storylets, reachability, paths;
- `lint`     warnings with stable codes, suppressible per line;
- `graph`    the flow as Mermaid or Graphviz DOT;
- `playtest` scripted playthrough tests (`tests:` and `*.playtest.yaml`);
- `fuzz`     seeded random playthroughs;
- `stats`    counts, words and path lengths;
- `msel`     injects as a master scenario events list (CSV) and back;
- `new`      a commented starter file;
- `docgen`   the format reference generated from `simulator.format.schema.SCENARIO`.
None of them imports textual.
"""


def clean(text: str) -> str:
    """Author text printed on a terminal: control characters shown as escapes, never obeyed."""
    return "".join(ch if ch.isprintable() or ch == " " else f"\\x{ord(ch):02x}" if ord(ch) < 256 else f"\\u{ord(ch):04x}" for ch in str(text))
