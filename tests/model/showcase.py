"""``instances/showcase.yaml`` with only some economic families' keys.

The showcase shows every family's keys at once, so each family's effect there depends on the
others' (a profit tax scales every shift of profit, a lead-time limit caps a flow a discount
tier counts). A family's showcase test solves the file with the other families' keys removed
(:data:`REMOVE`), so that its hand derivation holds; ``tests/test_showcase.py`` solves the
whole file. The exchange rate (family 24) stays: it only restates JP_TM's numbers in yen.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import gpnopt
from gpnopt.io import read_instance_file
from gpnopt.patches import deep_merge
from gpnopt.schema import Instance

SHOWCASE = Path(__file__).resolve().parents[2] / "instances" / "showcase.yaml"

PLAIN_TRANSPORT = [
    {"from_country": "JP", "to_country": "CN", "unit_cost": 2.0, "symmetric": True},
    {"from_country": "TW", "to_country": "CN", "unit_cost": 1.5, "symmetric": True},
    {"from_country": "JP", "to_country": "TW", "unit_cost": 2.0, "symmetric": True},
]
"""The showcase's lanes without lead times, item entries or a default (before family 20)."""

REMOVE: dict[str, dict[str, Any]] = {
    "demand": {"markets": {"CN": {"demand": {"lathe_medium": {
        "curve": None, "quantity": 80, "price": 32}}}}},
    "expansion": {"plants": {"CN_JV": {"expansion": None}},
                  "firms": {"TM": {"capital_budget": None}, "FFG": {"capital_budget": None}}},
    "staffing": {"firms": {"TM": {"technicians": None}}},
    "base_plants": {"firms": {"TM": {"base_plant": None}}},
    "lead_times": {
        "plants": {"TW_FFG": {"max_lead_time": None}},
        "markets": {"JP": {"max_average_lead_time": None}, "CN": {"max_lead_time": None}},
        "trade": {"default_transport": None, "transport": PLAIN_TRANSPORT},
    },
    "discounts": {"purchasing_pools": None},
    "taxes": {"taxes": None},
    "transfer_prices": {"components": {"casting": {"transfer_prices": None}}},
    "sourcing": {"sourcing_rules": None},
}
"""The deep-merge patch that removes each family's keys from the showcase."""


def raw_only(*families: str) -> dict[str, Any]:
    """The showcase's raw mapping with only ``families``' keys (names of :data:`REMOVE`)."""
    unknown = set(families) - set(REMOVE)
    assert not unknown, f"not showcase families: {sorted(unknown)}"
    raw = read_instance_file(SHOWCASE)
    for family, patch in REMOVE.items():
        if family not in families:
            problems = deep_merge(raw, copy.deepcopy(patch))
            assert not problems, problems  # the showcase still states the family's keys
    return raw


def only(*families: str) -> Instance:
    """The showcase with only ``families``' keys, as an Instance."""
    return gpnopt.instance_from_dict(raw_only(*families), name="showcase")
