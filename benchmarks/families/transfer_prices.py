"""Turn family 23 (transfer prices as a choice) on in a raw generated instance
(``benchmarks/families_build.py``).

:func:`enable` gives every other component three transfer price levels, 80%, 100% and 120%
of its ``transfer_price`` (an arm's-length range of +-20%), so that each flow of those
components between two plants is split in three (``v_flow_at``, one ``transfer_split`` row
per flow). Deterministic.
"""

from __future__ import annotations

import copy
from typing import Any


def enable(raw: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``raw`` (a :func:`gpnopt.generate.generate` instance) with levels."""
    out = copy.deepcopy(raw)
    for n, comp in enumerate(out["components"].values()):
        price = comp.get("transfer_price", 0.0)
        if n % 2 == 0 and price > 0:
            comp["transfer_prices"] = [round(price * f, 4) for f in (0.8, 1.0, 1.2)]
    return out
