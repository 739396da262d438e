"""Small numeric helpers shared by the phases: the same numbers as numpy's public calls.

``clip(values, low, high[, out=...])`` is numpy's clip ufunc, what :func:`numpy.clip`
calls for float arrays with both bounds given, without its Python wrappers (about
a microsecond and a half a call, some fifteen calls a step). It is a private
numpy name (``numpy._core.umath.clip``); where a numpy release lacks it,
:func:`numpy.clip` itself is used, which gives the same numbers
(``tests/sim/test_fast_paths.py`` checks both).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = ["clip"]


def _ufunc_clip() -> Callable[..., np.ndarray] | None:
    """numpy's clip ufunc if this numpy exposes it, else None."""
    core = getattr(np, "_core", None)
    umath = getattr(core, "umath", None)
    kernel = getattr(umath, "clip", None)
    return kernel if isinstance(kernel, np.ufunc) else None


clip: Callable[..., np.ndarray] = _ufunc_clip() or np.clip
