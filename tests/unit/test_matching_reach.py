"""A company's people are read against the other parts of the label only when they are within a part's reach
(app.matching.align.Reach): the shortcut must never pass over a name the aligner would have paired with anything."""

from __future__ import annotations

import random

from app.matching import MatchIndex
from app.matching.align import Reach, _Reading, align
from app.matching.label import parse_label
from app.sandbox.generate import generate_directory
from tests.support.fixture_records import records_from_fixture
from tests.support.label_families import BASE_FAMILIES, EXTRA_FAMILIES, generate_labels


def test_a_person_out_of_a_label_parts_reach_reads_as_nothing_against_it() -> None:
    data = generate_directory(seed=11, contracts=300)
    index = MatchIndex.build(*records_from_fixture(data))
    labels = [row["text"] for row in generate_labels(data, 150, seed=3, families=BASE_FAMILIES + EXTRA_FAMILIES)]
    people = [index.weighed(entry) for entry in index.entries.values() if entry.is_person]
    rng = random.Random(7)
    out_of_reach = 0
    by_look_alike_only = 0  # in reach through a look-alike that starts with another letter (Bob for Robert)
    for text in labels:
        label = parse_label(text)
        reading = _Reading(index, label)
        for segment in label.segments:
            reading.read_part(segment)
        for segment in label.segments:
            found = reading.parts.get(id(segment))
            if found is None:
                continue
            reach = Reach(segment, found)
            # every name with a look-alike of the part's words, and as many others drawn at random
            near = [e for e in people if not reach.look_alikes.isdisjoint(e.tokens)]
            for entry in near + rng.sample(people, 150):
                aligned = align(
                    segment.tokens,
                    entry.tokens,
                    True,
                    entry.weights,
                    found.label_weights,
                    index.memo.sim,
                    segment.had_title,
                    segment.commas,
                    found.person_word_mask,
                    found.near_maps,
                    segment.hyphened,
                )
                if not reach.has(entry.tokens):
                    out_of_reach += 1
                    assert aligned.matched_weight == 0.0, (text, entry.name, aligned.pairs)
                elif reach.firsts.isdisjoint(t[0] for t in entry.tokens) and aligned.matched_weight > 0.0:
                    by_look_alike_only += 1
    assert out_of_reach > 10_000
    assert by_look_alike_only > 10  # the look-alikes are part of the reach, not only the first letters
