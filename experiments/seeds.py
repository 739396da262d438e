"""Seeds: one root per experiment, one independent stream per run.

Streams come from ``numpy.random.SeedSequence(root).spawn()``; stream ``k`` is
``SeedSequence(root, spawn_key=(k,))``, which is what :func:`stream_seed`
computes directly, so any run can be recreated from ``(root, k)`` or from the
63-bit integer it yields (recorded in every output row as ``seed``).
"""

from __future__ import annotations

import numpy as np

__all__ = ["stream_seed", "stream_seeds"]


def stream_seed(root: int, stream: int) -> int:
    """The integer seed of stream ``stream`` of root ``root``.

    Equal to seeding from ``SeedSequence(root).spawn(stream + 1)[stream]``.

    >>> stream_seed(1, 0) == stream_seed(1, 0) != stream_seed(1, 1)
    True
    >>> child = np.random.SeedSequence(1).spawn(3)[2]
    >>> stream_seed(1, 2) == int(child.generate_state(1, np.uint64)[0] >> np.uint64(1))
    True
    """
    sequence = np.random.SeedSequence(root, spawn_key=(stream,))
    # 63 bits, so the seed fits a signed 64-bit Parquet column
    return int(sequence.generate_state(1, np.uint64)[0] >> np.uint64(1))


def stream_seeds(root: int, count: int) -> list[int]:
    """Seeds of streams ``0 .. count-1``."""
    return [stream_seed(root, k) for k in range(count)]
