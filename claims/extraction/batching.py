"""Feeding token ids to an ONNX encoder in batches of similar length.

Sorting by length before batching keeps padding, and so wasted work, small: a batch is
as wide as its longest text. Shared by the check-worthiness model and the matching encoder.
"""

from collections.abc import Iterator

import numpy as np


def padded_batches(
    ids: list[list[int]], size: int
) -> Iterator[tuple[list[int], np.ndarray, np.ndarray]]:
    """Yield (positions in `ids`, input ids, attention mask) for batches of up to `size`
    texts, shortest texts first; each batch padded with zeros to its longest text."""
    order = sorted(range(len(ids)), key=lambda index: len(ids[index]))
    for first in range(0, len(order), size):
        batch = order[first : first + size]
        input_ids, mask = _padded([ids[index] for index in batch])
        yield batch, input_ids, mask


def _padded(rows: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
    width = max(len(row) for row in rows)
    input_ids = np.zeros((len(rows), width), dtype=np.int64)
    mask = np.zeros((len(rows), width), dtype=np.int64)
    for number, row in enumerate(rows):
        input_ids[number, : len(row)] = row
        mask[number, : len(row)] = 1
    return input_ids, mask
