"""docs/authoring.md's command outputs are the real ones (regenerate: python tests/authoring/tutorial.py --write)."""

import pytest
import tutorial


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    """Every console block's real text, the tutorial played once in a fresh folder."""
    return tutorial.play(tmp_path_factory.mktemp("tutorial"))


def _consoles(text: str) -> dict[int, str]:
    return {i: body for i, (kind, body, _, _) in enumerate(tutorial.blocks(text)) if kind == "console"}


def test_every_console_block_in_the_tutorial_is_the_real_output(real):
    shown = _consoles(tutorial.DOC.read_text(encoding="utf-8"))
    stale = [i for i in real if real[i] != shown[i]]
    assert not stale, "stale output in docs/authoring.md blocks " + ", ".join(map(str, stale)) + \
        ": run python tests/authoring/tutorial.py --write\n" + "\n".join(f"--- shown\n{shown[i]}--- real\n{real[i]}" for i in stale)


def test_every_console_block_is_run(real):
    shown = _consoles(tutorial.DOC.read_text(encoding="utf-8"))
    assert not tutorial.UNCHECKED
    assert set(real) == set(shown)
    # the fuzz report, --show, stats, the interactive play, the MSEL round trip and section 10 among them
    firsts = {body.split("\n")[0] for body in shown.values()}
    for command in ("crisis fuzz my-scenarios/late-parcel.yaml --runs 20 --seed 0", "crisis stats my-scenarios/late-parcel.yaml",
                    "crisis play my-scenarios/late-parcel.yaml --from fix --set asked_order=true --clock T+25m",
                    "crisis msel import msel-bad.csv -o my-scenarios/late-parcel.yaml"):
        assert f"$ {command}" in firsts


def test_the_prose_names_the_run_the_fuzz_report_shows():
    text = tutorial.DOC.read_text(encoding="utf-8")
    assert tutorial.prose_problems(text) == []
    seed = tutorial.re.search(r"--show (\d+)\n", text).group(1)
    assert tutorial.prose_problems(text.replace(f"in run {seed} ", "in run 999 ", 1)) == \
        [f"the prose before `--show {seed}` does not say 'in run {seed}'"]


def test_a_play_command_that_opens_elsewhere_is_reported(tmp_path):
    """The recorder standing in for the game is not blind: a start the session cannot honour shows."""
    folder = tmp_path
    assert tutorial.crisis('crisis new "Late Parcel" -o my-scenarios', folder).startswith("wrote")
    opened = tutorial.crisis("crisis play my-scenarios/late-parcel.yaml --from fix --set asked_order=true --clock T+25m", folder)
    assert opened == ""
    # a clock past the time limit is clamped by the session: the recorder says so
    late = tutorial.crisis("crisis play my-scenarios/late-parcel.yaml --clock T+5h", folder)
    assert late, "expected the recorder to report a clock the game did not open at"


def test_the_mermaid_rendering_shown_is_the_graph_output():
    text = tutorial.DOC.read_text(encoding="utf-8")
    mermaid = text.split("```mermaid\n", 1)[1].split("```", 1)[0]
    graph = next(body for kind, body, _, _ in tutorial.blocks(text) if kind == "console" and body.startswith("$ crisis graph ")
                 and "--format" not in body.split("\n")[0])
    assert graph.split("\n", 1)[1] == mermaid
