"""Bounded work per label (issue 15, point 8): a label is cut to 4,000 characters and 64 lines (with a note), words
and name parts are capped, so any input of that size matches in bounded time; the bound sits at the entry of
matching (app.matching.label.bound_label_text) and in the desk's MatchingService.

Before: one 50,000-character word took 4.2 s, "Smith " x 3,333 took 14 s (the index lock held all along). The
100k-contact figure is measured by tests/bench/bench_hostile_labels.py; here a small directory with a CPU-time
bound that failed by two orders of magnitude before."""

from __future__ import annotations

import random
import re
import time
from collections.abc import Callable

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from app.matching import MatchIndex
from app.matching.label import (
    MAX_LABEL_CHARS,
    MAX_LABEL_LINES,
    MAX_WORD_CHARS,
    bound_label_text,
    cut_word_by_word,
    parse_label,
)
from app.sandbox.generate import generate_directory
from tests.support.fixture_records import records_from_fixture

BOUND_MS = 50.0


def hostile_labels(names: list[str], rng: random.Random) -> dict[str, str]:
    pick: Callable[[], str] = lambda: rng.choice(names)  # noqa: E731
    return {
        "one 50,000-character word": "a" * 50_000,
        "Smith x 3,333": "Smith " * 3_333,
        "100 KB of mixed text": ("Jean-Pierre O'Neil & Co. GmbH / c/o Müller 12 High St\n" * 2_000)[:100_000],
        "64 lines of repeated names": "\n".join(" ".join(pick().split()[:3] * 8) for _ in range(100)),
        "400 names on one line": " ".join(pick() for _ in range(400)),
        "400 names, one a line": "\n".join(pick() for _ in range(400)),
        "400 names with commas": ", ".join(pick() for _ in range(400)),
        "hyphen chains": "-".join(["Al", "Qasimi"] * 2_000),
        "dotted initials": "A." * 20_000,
        "control characters": "\x00\x01\x1b" * 2_000 + "Smith",
        "lone surrogates": "x\ud800y " * 2_000,
    }


@pytest.fixture(scope="module")
def index_and_names() -> tuple[MatchIndex, list[str]]:
    contracts, contacts = records_from_fixture(generate_directory(seed=5, contracts=700))
    return MatchIndex.build(contracts, contacts), [c.name for c in contacts]


def test_the_text_read_is_bounded() -> None:
    text, cut = bound_label_text("x" * 10_000)
    assert cut and len(text) == MAX_WORD_CHARS
    text, cut = bound_label_text("\n".join(["Jane"] * 500))
    assert cut and text.count("\n") < MAX_LABEL_LINES
    text, cut = bound_label_text("Smith " * 3_333)
    assert cut and text.split().count("Smith") <= 2
    assert len(bound_label_text("ab " * 10_000)[0]) <= MAX_LABEL_CHARS
    for normal in (
        "Ms Craig, Beacon Labs",
        "Willow Willow Media Ltd\nc/o Jane Doe\n12 High Street\nLondon EC1A 1BB",
        "Eiravati Ekbal Ramaswamy, The Chevalier Fournier S.A.R.L. L.L.P.",
    ):
        assert bound_label_text(normal) == (normal, False)
    assert bound_label_text("Jane\x00Doe")[0] == "Jane Doe"
    assert len(parse_label("Smith " * 3_333).segments) <= 2


# Pieces that sit on the bounds: repeated names, runs that count as several words, signs alone, a word too long, a
# letter whose folded form is two runs ("İ"), line breaks of every kind, words that may repeat (numbers, initials)
# to make a line too long.
_PIECES = [" ", "\n", "\r\n", "\r", "\t", "Smith ", "smith ", "SMITH-", "Al-Qasimi ", "S.A.R.L. ", "& ", " - ", "/"]
_PIECES += [
    "J. ",
    "12 " * 5,
    "A B C ",
    "1Z999 ",
    "İstanbul ",
    "Straße ",
    "x" * (MAX_WORD_CHARS + 1),
    "Jo",
    "e",
    "\x00",
    "ﬁ",
]


@settings(max_examples=400, deadline=None)
@example("Jane Doe\n" + "12 " * 25)  # one line too long, the label not
@given(st.lists(st.sampled_from(_PIECES), max_size=100).map("".join))
def test_a_label_that_needs_no_cut_is_read_as_the_word_by_word_reading_would(text: str) -> None:
    """bound_label_text skips the word-by-word reading when nothing is to be cut; it must give what that reading
    gives."""
    lines = re.sub("\x00+", " ", text).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    assert bound_label_text(text) == cut_word_by_word(lines[:MAX_LABEL_LINES], len(lines) > MAX_LABEL_LINES)


def test_any_label_matches_within_the_bound(index_and_names: tuple[MatchIndex, list[str]]) -> None:
    index, names = index_and_names
    index.match("warm up")
    slow: dict[str, float] = {}
    for name, text in hostile_labels(names, random.Random(3)).items():
        started = time.thread_time()
        index.match(text)
        took = (time.thread_time() - started) * 1000
        if took > BOUND_MS:
            slow[name] = round(took, 1)
    assert not slow, slow
