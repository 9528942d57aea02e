"""The reply judge (simulator/world/judge): what it reads, how it fails safe, and what cannot be gamed."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from importlib import resources

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.world.judge import LABELS, Verdict, judge, load
from simulator.world.judge import deadline as dl
from simulator.world.judge.text import MAX_CHARS, sentences

POST = "@Company's online stock check sucks"


def test_the_seeds_model_answer_beats_the_seeds_bad_answer() -> None:
    good = judge("We apologize, Dan; it's not a perfect system. What item were you looking for?", POST, "Dan")
    bad = judge("well it's not really representative of the store's stock. Did you call???", POST)
    assert good.quality > 0 > bad.quality
    assert {"apology", "question"} <= good.decided
    assert "argue" in bad.decided


@pytest.mark.parametrize(
    "text",
    [
        "We're so sorry Dan, thank you for flagging this! What item were you after? "
        "If only every customer were as well informed as you.",
        "Thanks so much for your feedback, Dan! Some of us manage to read a stock page, though.",
        "So sorry for the trouble! Keep posting lies and our lawyers will be in touch. DM us!",
    ],
)
def test_one_hostile_sentence_spoils_a_padded_reply(text: str) -> None:
    v = judge(text, POST, "Dan")
    assert v.quality < 0, v.to_json()
    assert v.hostile is None or v.hostile.text in text


def test_repeating_liked_words_earns_nothing() -> None:
    once = judge("Sorry about that! Thanks for telling us.", POST)
    many = judge("Sorry about that! Thanks for telling us. " * 6, POST)
    assert many.quality <= once.quality + 0.05


def test_a_threat_is_not_a_promise() -> None:
    v = judge("Keep posting lies and our lawyers will be in touch.", POST)
    assert "threat" in v.decided and "promise" not in v.decided
    assert v.quality < -0.3


def test_negated_sorry_is_not_an_apology() -> None:
    v = judge("There's nothing for us to be sorry about here.", POST)
    assert "apology" not in v.decided
    assert v.quality < 0


def test_evidence_is_a_slice_of_the_reply() -> None:
    text = "Ah, that's rubbish, sorry. Which branch was it? I'll call them now."
    v = judge(text, POST)
    assert v.evidence
    for ev in v.evidence:
        assert text[ev.start : ev.end] == ev.text
        assert ev.label in v.decided


def test_labels_are_probabilities_and_quality_is_bounded() -> None:
    v = judge("Hi Sam, DM us please 🙏", POST)
    assert set(v.labels) == set(LABELS)
    assert all(0.0 <= p <= 1.0 for p in v.labels.values())
    assert -1.0 <= v.quality <= 1.0
    json.dumps(v.to_json())


@pytest.mark.parametrize(
    ("text", "words", "minutes"),
    [
        ("I'll fix it right now.", "right now", 10),
        ("We'll call you within the hour.", "within the hour", 60),
        ("You'll have it by Friday.", "by Friday", 4320),
        ("A courier comes tomorrow morning.", "tomorrow morning", 1440),
        ("Refund in 24 hours, promise.", "in 24 hours", 1440),
        ("We'll be back to you within 2 business days.", "within 2 business days", 2880),
        ("I'll update you before close of play.", "before close of play", 480),
    ],
)
def test_deadlines_a_promise_names(text: str, words: str, minutes: int) -> None:
    found = dl.find(text)
    assert found is not None and found.text == words and found.minutes == minutes
    assert text[found.start : found.end] == words


def test_no_deadline_when_none_is_named() -> None:
    assert dl.find("We'll look into it.") is None


def test_the_promise_deadline_reaches_the_verdict() -> None:
    v = judge("Leave it with me: I've booked a courier for tomorrow morning.", "Where is my parcel?")
    if "promise" in v.decided:
        assert v.deadline is not None and v.deadline.text == "tomorrow morning"


@pytest.mark.parametrize(
    "text",
    ["", "   ", "\x00\x00", "\u202e\u202d", "\ud800 sorry", "申し訳ございません。", "Извините!", "🙄🙄🙄"],
)
def test_odd_input_gets_an_answer(text: str) -> None:
    v = judge(text, POST)
    assert isinstance(v, Verdict) and -1 <= v.quality <= 1


def test_a_megabyte_reply_is_judged_on_its_opening() -> None:
    text = "Sorry about that, we'll sort it today. " + "blah " * 200_000
    v = judge(text, POST)
    assert v.truncated
    assert all(ev.end <= MAX_CHARS for ev in v.evidence)


def test_sentences_split_on_dashes_and_stop_marks() -> None:
    work = "Sorry Dan - some of us can read. Which store?"
    assert [work[s:e] for s, e in sentences(work)] == ["Sorry Dan", "some of us can read.", "Which store?"]


def test_weights_are_plain_arrays_never_pickles() -> None:
    for name in ("words.npz", "judge.npz"):
        ref = resources.files("simulator.world.judge").joinpath("data", name)
        with ref.open("rb") as fh, zipfile.ZipFile(fh) as zf:
            for member in zf.namelist():
                assert member.endswith(".npy")
        with ref.open("rb") as fh, np.load(fh, allow_pickle=False) as data:
            assert all(data[k].dtype != object for k in data.files)


def test_known_verdicts_in_a_fresh_process() -> None:
    code = (
        "import json; from simulator.world.judge import judge\n"
        "out = [judge(t, 'my parcel is late').to_json() for t in "
        "['Sorry about that! Which address was it going to?', 'Noted. We will alert the media.']]\n"
        "print(json.dumps(out))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    fresh = json.loads(done.stdout)
    here = [judge(t, "my parcel is late").to_json() for t in
            ["Sorry about that! Which address was it going to?", "Noted. We will alert the media."]]  # fmt: skip
    assert fresh == here  # the same verdicts in every process
    assert fresh[0]["quality"] > 0 > fresh[1]["quality"]


def test_loaded_once() -> None:
    assert load() is load()


GOOD = [
    "Sorry about the wait, Sam.",
    "Thanks for flagging this.",
    "Which store did you visit?",
    "I've put a refund through for you.",
    "That sounds really frustrating.",
]
HOSTILE = [
    "If only every customer were as well informed as you.",
    "Keep posting lies and our lawyers will be in touch.",
    "Some of us can read a label, you idiot.",
    "Wow, great job reading the instructions.",
]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(GOOD), min_size=1, max_size=4), st.sampled_from(HOSTILE), st.integers(0, 4))
def test_property_a_hostile_sentence_dominates(good: list[str], hostile: str, at: int) -> None:
    alone = judge(hostile, POST)
    parts = list(good)
    parts.insert(min(at, len(parts)), hostile)
    padded = judge(" ".join(parts), POST)
    if alone.hostile is not None:
        assert padded.quality < 0, (parts, padded.to_json())
