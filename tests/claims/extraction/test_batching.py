"""Batches for the ONNX encoders: every text once, padded only to its batch's longest text,
and, given what a call costs, cut where padding and calls cost least."""

import itertools
import random

import numpy as np
import pytest

from claims.extraction.batching import padded_batches


def texts_of(lengths: list[int]) -> list[list[int]]:
    return [[1000 + number] * length for number, length in enumerate(lengths)]


def cost(batches: list[tuple[list[int], np.ndarray, np.ndarray]], call_cost: int) -> int:
    return sum(call_cost + input_ids.size for _, input_ids, _ in batches)


@pytest.mark.parametrize("call_cost", [None, 0, 32])
def test_every_text_is_in_one_batch_with_its_own_ids_and_mask(call_cost: int | None) -> None:
    lengths = [7, 3, 12, 3, 40, 9, 9, 1, 25, 5]
    ids = texts_of(lengths)
    seen = []
    for batch, input_ids, mask in padded_batches(ids, 4, call_cost=call_cost):
        assert len(batch) <= 4
        assert input_ids.shape == mask.shape == (len(batch), max(lengths[i] for i in batch))
        for row, index in enumerate(batch):
            assert input_ids[row, : lengths[index]].tolist() == ids[index]
            assert mask[row].tolist() == [1] * lengths[index] + [0] * (
                input_ids.shape[1] - lengths[index]
            )
            assert not input_ids[row, lengths[index] :].any()
        seen += batch
    assert sorted(seen) == list(range(len(ids)))


def test_without_a_call_cost_batches_hold_size_texts_shortest_first() -> None:
    lengths = [30, 2, 8, 4, 16, 1, 60]
    batches = [batch for batch, _, _ in padded_batches(texts_of(lengths), 3)]
    assert batches == [[5, 1, 3], [2, 4, 0], [6]]


def test_a_long_text_is_not_padded_onto_short_ones() -> None:
    lengths = [5] * 15 + [90]
    batches = list(padded_batches(texts_of(lengths), 16, call_cost=32))
    assert [batch for batch, _, _ in batches] == [list(range(15)), [15]]
    assert cost(batches, 32) < cost(list(padded_batches(texts_of(lengths), 16)), 32)


def test_texts_of_one_length_fill_batches_when_calls_cost() -> None:
    batches = list(padded_batches(texts_of([20] * 32), 16, call_cost=32))
    assert [len(batch) for batch, _, _ in batches] == [16, 16]


def test_the_split_is_the_cheapest_of_all_splits() -> None:
    generator = random.Random(20)  # noqa: S311  (test inputs, not secrets)
    for _ in range(40):
        lengths = sorted(generator.randint(1, 60) for _ in range(generator.randint(1, 8)))
        size, call_cost = generator.randint(1, 5), generator.choice([0, 8, 32, 100])
        found = cost(list(padded_batches(texts_of(lengths), size, call_cost=call_cost)), call_cost)
        assert found == cheapest_by_trying_all(lengths, size, call_cost)


def cheapest_by_trying_all(lengths: list[int], size: int, call_cost: int) -> int:
    best = None
    for cuts in itertools.product([False, True], repeat=len(lengths) - 1):
        runs, first = [], 0
        for end, cut in enumerate(cuts, start=1):
            if cut:
                runs.append(lengths[first:end])
                first = end
        runs.append(lengths[first:])
        if all(len(run) <= size for run in runs):
            total = sum(call_cost + max(run) * len(run) for run in runs)
            best = total if best is None else min(best, total)
    assert best is not None
    return best


def test_no_texts_make_no_batches() -> None:
    assert list(padded_batches([], 16, call_cost=32)) == []


@pytest.mark.parametrize(("size", "call_cost"), [(0, 32), (16, -1)])
def test_a_size_or_call_cost_that_cannot_work_is_refused(size: int, call_cost: int) -> None:
    with pytest.raises(ValueError, match="size must be at least 1"):
        list(padded_batches(texts_of([3, 4]), size, call_cost=call_cost))
