"""A rough estimate of a model's memory, checked before anything is built.

The population arrays, the social graph (networkx and its CSR view) and the
organisational ties grow with the numbers of actors; a config asking for 10^12
citizens must be refused with the estimate, not fail inside numpy after minutes.
The bytes per actor were measured (peak resident memory of building a model and
running two steps, ``agent_views=False``, Python 3.12, Mesa 3.5) and rounded up:

=====================================  ==========================================
citizens, default graph (degree 4)      1.33 kB each (20,000 -> 200,000: +239 MB)
social neighbours beyond that           70 B per citizen per neighbour (ring k=20)
enterprises, social organisations       1.1 kB each (+100,000: +106 MB, +108 MB)
pairs of jurisdictions                  150 B each (2,000 jurisdictions: +293 MB)
=====================================  ==========================================

This is an assumption-level estimate (within a factor of about 1.5 of the
measured peaks), good enough to refuse what no machine of the size at hand
could hold; it is not a guarantee that what passes fits.

>>> round(estimated_bytes(2000, 100, 40, 5, 4.0) / 1e6, 1)
2.9
"""

from __future__ import annotations

import functools
import math
import os

__all__ = [
    "BYTES_PER_CITIZEN",
    "BYTES_PER_JURISDICTION_PAIR",
    "BYTES_PER_NEIGHBOUR",
    "BYTES_PER_ORGANISATION",
    "estimated_bytes",
    "format_bytes",
    "machine_memory_bytes",
]

BYTES_PER_CITIZEN = 1100
BYTES_PER_NEIGHBOUR = 70
BYTES_PER_ORGANISATION = 1100
BYTES_PER_JURISDICTION_PAIR = 150
_UNKNOWN_MACHINE_BYTES = 2**40  # where the OS does not say: refuse above 1 TiB


def estimated_bytes(
    citizens: int, enterprises: int, social_orgs: int, jurisdictions: int, mean_degree: float
) -> int:
    """Rough peak memory, in bytes, of building and running a model of this size.

    Integer arithmetic, so absurd sizes (10^30 citizens) give an absurd number, not
    an overflow.
    """
    per_citizen = BYTES_PER_CITIZEN + int(BYTES_PER_NEIGHBOUR * max(mean_degree, 0.0))
    pairs = jurisdictions * (jurisdictions - 1) // 2
    return (
        citizens * per_citizen
        + (enterprises + social_orgs) * BYTES_PER_ORGANISATION
        + pairs * BYTES_PER_JURISDICTION_PAIR
    )


@functools.cache
def machine_memory_bytes() -> int:
    """Physical memory of this machine (1 TiB where the OS does not report it)."""
    try:
        return int(os.sysconf("SC_PAGE_SIZE")) * int(os.sysconf("SC_PHYS_PAGES"))
    except (AttributeError, ValueError, OSError):
        return _UNKNOWN_MACHINE_BYTES


def format_bytes(count: float) -> str:
    """``1.2 GB`` style (powers of 1000).

    >>> format_bytes(1.2e15), format_bytes(512), format_bytes(10**40)
    ('1.2 PB', '512 B', '10^40 B')
    """
    if count >= 10**24:  # beyond exabytes: the order of magnitude says it all
        return f"10^{math.floor(math.log10(count))} B"
    for unit in ("B", "kB", "MB", "GB", "TB", "PB", "EB"):
        if count < 1000 or unit == "EB":
            return f"{count:.0f} {unit}" if unit == "B" else f"{count:.3g} {unit}"
        count /= 1000
    raise AssertionError("unreachable")  # pragma: no cover
