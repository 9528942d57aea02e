"""docs/authoring.md's command outputs are the real ones (regenerate: python tests/authoring/tutorial.py --write)."""

import tutorial


def test_every_checked_console_block_in_the_tutorial_is_the_real_output(tmp_path):
    text = tutorial.DOC.read_text(encoding="utf-8")
    shown = {i: body for i, (kind, body, _, _) in enumerate(tutorial.blocks(text)) if kind == "console"}
    real = tutorial.play(tmp_path)
    assert len(real) >= 12  # sections 1-5, the --from/--set errors and the --trace example
    stale = [i for i in real if real[i] != shown[i]]
    assert not stale, "stale output in docs/authoring.md blocks " + ", ".join(map(str, stale)) + \
        ": run python tests/authoring/tutorial.py --write\n" + "\n".join(f"--- shown\n{shown[i]}--- real\n{real[i]}" for i in stale)


def test_every_console_block_is_checked_or_says_why_not():
    text = tutorial.DOC.read_text(encoding="utf-8")
    consoles = [i for i, (kind, *_rest) in enumerate(tutorial.blocks(text)) if kind == "console"]
    trace = [i for i, (kind, body, _, _) in enumerate(tutorial.blocks(text)) if kind == "console" and "--trace" in body.split("\n")[0]]
    checked = {i for i in consoles if i <= tutorial.LAST_CHECKED} | tutorial.ALSO_CHECKED | set(trace)
    assert set(consoles) <= checked | set(tutorial.UNCHECKED)


def test_the_mermaid_rendering_shown_is_the_graph_output():
    text = tutorial.DOC.read_text(encoding="utf-8")
    mermaid = text.split("```mermaid\n", 1)[1].split("```", 1)[0]
    graph = next(body for kind, body, _, _ in tutorial.blocks(text) if kind == "console" and body.startswith("$ crisis graph ")
                 and "--format" not in body.split("\n")[0])
    assert graph.split("\n", 1)[1] == mermaid
