"""Feeding token ids to an ONNX encoder in batches of similar length.

Sorting by length before batching keeps padding, and so wasted work, small: a batch is
as wide as its longest text. Shared by the check-worthiness model and the matching encoder.

With a `call_cost`, the batches are not cut every `size` texts but where they cost least:
each call of the network costs about as much as `call_cost` more token positions, and every
position of a batch (padding included) costs one. One article's forty sentences, cut every
sixteen, spend about a third of the network's work on padding; cut by cost, a few per cent.
"""

from collections.abc import Iterator

import numpy as np


def padded_batches(
    ids: list[list[int]], size: int, *, call_cost: int | None = None
) -> Iterator[tuple[list[int], np.ndarray, np.ndarray]]:
    """Yield (positions in `ids`, input ids, attention mask) for batches of up to `size`
    texts, shortest texts first; each batch padded with zeros to its longest text.

    Without `call_cost`, every batch but the last holds `size` texts; with it, the batches
    are the cheapest split of the sorted texts (see the module's docstring)."""
    order = sorted(range(len(ids)), key=lambda index: len(ids[index]))
    lengths = [len(ids[index]) for index in order]
    if call_cost is None:
        bounds = [(first, min(first + size, len(order))) for first in range(0, len(order), size)]
    else:
        bounds = _cheapest_split(lengths, size, call_cost)
    for first, end in bounds:
        batch = order[first:end]
        input_ids, mask = _padded([ids[index] for index in batch])
        yield batch, input_ids, mask


def _cheapest_split(lengths: list[int], size: int, call_cost: int) -> list[tuple[int, int]]:
    """Return the (first, end) ranges that split `lengths` (ascending) into runs of at most
    `size` at the least total cost: per run, `call_cost` + its width × its count."""
    if size < 1 or call_cost < 0:
        raise ValueError(f"size must be at least 1 and call_cost not negative: {size}, {call_cost}")
    cost = [0] * (len(lengths) + 1)  # cost[end]: the cheapest split of lengths[:end]
    start = [0] * (len(lengths) + 1)  # where that split's last run starts
    for end in range(1, len(lengths) + 1):
        width = lengths[end - 1]  # the longest of any run ending here
        cost[end], start[end] = min(
            (cost[first] + call_cost + width * (end - first), first)
            for first in range(max(0, end - size), end)
        )
    bounds = []
    end = len(lengths)
    while end:
        bounds.append((start[end], end))
        end = start[end]
    return bounds[::-1]


def _padded(rows: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
    width = max(len(row) for row in rows)
    input_ids = np.zeros((len(rows), width), dtype=np.int64)
    mask = np.zeros((len(rows), width), dtype=np.int64)
    for number, row in enumerate(rows):
        input_ids[number, : len(row)] = row
        mask[number, : len(row)] = 1
    return input_ids, mask
