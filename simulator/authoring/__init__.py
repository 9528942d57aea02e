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


from simulator.format.textsafe import (
    terminal as clean,  # author text on a terminal: escapes, never obeyed
)

__all__ = ["clean"]
