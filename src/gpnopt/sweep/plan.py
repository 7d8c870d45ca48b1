"""The sweep plan: a spec checked against its instance, with every pattern resolved.

:func:`make_plan` reads the instance (scenario applied) into its raw mapping, resolves each
perturbation and grid pattern to the places (paths in the mapping) it touches, fixes the
draws, chunks and the table's columns; :class:`SweepPlan` is what every worker receives.
The raw-path helpers (:func:`numeric_leaves`, :func:`get_place`, :func:`seed_of`) live here.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from gpnopt.errors import GpnoptWarning
from gpnopt.horizon_data import refuse_periods
from gpnopt.schema import Instance
from gpnopt.sweep.spec import WILDCARD, SweepError, SweepSpec

SKIPPED_SECTIONS = frozenset(
    {"name", "description", "units", "objective", "expectations", "overrides", "scenarios",
     "imports"}
)
"""Top-level sections whose numbers are never perturbed (they are not parameters)."""

SKIPPED_KEYS = frozenset({"provenance", "name", "description"})
"""Keys whose subtrees are never perturbed anywhere (texts)."""

FORMAT_VERSION = 1
"""Version of the folder layout written in the manifest."""

# --- paths of the raw mapping -----------------------------------------------------------------

Place = tuple[Any, ...]
"""A place in the raw mapping: keys (str) and list positions (int)."""


def _dotted(path: Place) -> str:
    """'plants.JP_TM.fixed_cost' (list positions as numbers)."""
    return ".".join(str(p) for p in path)


def numeric_leaves(raw: Mapping[str, Any]) -> list[Place]:
    """Every number of an instance mapping that a perturbation may touch, in file order.

    Numbers under :data:`SKIPPED_SECTIONS` and under :data:`SKIPPED_KEYS` (texts) are left
    out; booleans are not numbers.
    """
    out: list[Place] = []

    def walk(node: Any, path: Place) -> None:
        if isinstance(node, Mapping):
            for k, v in node.items():
                if (not path and k in SKIPPED_SECTIONS) or k in SKIPPED_KEYS:
                    continue
                walk(v, (*path, k))
        elif isinstance(node, list):
            for j, v in enumerate(node):
                walk(v, (*path, j))
        elif isinstance(node, int | float) and not isinstance(node, bool):
            out.append(path)

    walk(raw, ())
    return out


def get_place(raw: Any, path: Place) -> Any:
    """The value at ``path`` in the mapping ``raw``."""
    node = raw
    for p in path:
        node = node[p]
    return node


def _resolve_place(raw: Mapping[str, Any], dotted: str) -> Place | None:
    """The place an exact dotted path names (its parent must exist), or None."""
    parts = dotted.split(".")
    node: Any = raw
    path: list[Any] = []
    for j, part in enumerate(parts):
        last = j == len(parts) - 1
        if isinstance(node, list):
            if not part.isdigit() or int(part) >= len(node):
                return None
            key: Any = int(part)
        elif isinstance(node, Mapping):
            key = part
            if key not in node and not last:
                return None
        else:
            return None
        path.append(key)
        if not last:
            node = node[key]
    return tuple(path)


def seed_of(seed: int, *keys: int) -> int:
    """A 64-bit seed from the sweep's seed and integer keys (stable across processes)."""
    text = ":".join(str(k) for k in (seed, *keys)).encode()
    return int.from_bytes(hashlib.sha256(text).digest()[:8], "little")


# --- the plan ---------------------------------------------------------------------------------


@dataclass
class SweepPlan:
    """A checked spec with what the workers need: the resolved mapping and the places.

    Attributes:
        spec: the spec.
        raw: the instance mapping with the scenario applied (no overrides, scenarios).
        name: the instance's name in messages (the file).
        digest: SHA-256 of ``raw`` (a changed instance file is another sweep).
        perturb_places: for each perturbation, the places it multiplies.
        grid_places: for each grid axis, the places it sets.
        n_points, per_point, total, chunk: grid points, draws per point, draws, draws per
            part.
        firms, plants, lines, make, entities, expectations: the record's entities (from the
            base instance), ``expectations`` as (id, description) pairs.
        columns: the table's columns with their dtypes, in order.
    """

    spec: SweepSpec
    raw: dict[str, Any]
    name: str
    digest: str
    perturb_places: list[list[Place]]
    grid_places: list[list[Place]]
    n_points: int
    per_point: int
    total: int
    chunk: int
    firms: list[str]
    plants: list[str]
    lines: list[tuple[str, str]]
    make: list[tuple[str, str]]
    entities: list[str]
    expectations: list[tuple[str, str]]
    columns: dict[str, str] = field(default_factory=dict)

    @property
    def n_chunks(self) -> int:
        """Number of parts."""
        return -(-self.total // self.chunk)

    def chunk_draws(self, c: int) -> range:
        """The draws of chunk ``c``."""
        return range(c * self.chunk, min(self.total, (c + 1) * self.chunk))

    def point_values(self, point: int) -> list[Any]:
        """The grid values of a point (mixed radix, last axis fastest)."""
        vals = []
        for axis in reversed(self.spec.grid):
            point, j = divmod(point, len(axis.values))
            vals.append(axis.values[j])
        return vals[::-1]

    def manifest(self) -> dict[str, Any]:
        """The content of ``manifest.json``."""
        from gpnopt import __version__

        return {
            "format": FORMAT_VERSION,
            "gpnopt": __version__,
            "spec": self.spec.as_dict(),
            "instance_digest": self.digest,
            "draws": self.total,
            "chunk": self.chunk,
            "points": self.n_points,
            "per_point": self.per_point,
            "numbers": {p.text: len(pl) for p, pl in zip(self.spec.perturb, self.perturb_places, strict=True)},
            "expectations": [{"id": i, "description": d} for i, d in self.expectations],
            "grid_columns": [a.column for a in self.spec.grid],
            "firms": self.firms,
            "plants": self.plants,
        }


def _scenario_raw(spec: SweepSpec) -> tuple[dict[str, Any], Instance]:
    """The instance mapping of ``spec`` with its scenario applied, and the base instance.

    Uses :func:`gpnopt.io.resolve_raw`, so every error is the InstanceError ``load`` would
    raise.
    """
    from gpnopt import io

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GpnoptWarning)
        data = io.resolve_raw(
            spec.instance,
            scenario=spec.scenario,
            scenario_files=spec.scenario_files,
            allow_imports_outside=spec.allow_imports_outside,
        )
        base = io.instance_from_dict(data, name=spec.instance)
    return data, base


def _default_chunk(total: int) -> int:
    """Draws per part: about 40 parts, 5 to 50 draws each."""
    return max(5, min(50, -(-total // 40)))


def make_plan(spec: SweepSpec) -> SweepPlan:
    """Check ``spec`` against its instance and resolve every pattern.

    Raises:
        InstanceError: the instance or scenario is invalid, or has periods (CLI exit 1).
        SweepError: a pattern matches no number, a grid path names no place, an expectation
            id is unknown (CLI exit 2).
    """
    raw, base = _scenario_raw(spec)
    refuse_periods(base, "gpnopt sweep")
    if spec.objective and spec.objective.startswith("firm:") and spec.objective[5:] not in base.firms:
        msg = f"--objective {spec.objective!r}: no firm {spec.objective[5:]!r} (firms: {', '.join(base.firms)})"
        raise SweepError(msg)
    leaves = numeric_leaves(raw)
    dotted = [_dotted(p) for p in leaves]
    perturb_places = []
    for p in spec.perturb:
        places = [leaf for leaf, d in zip(leaves, dotted, strict=True) if fnmatch.fnmatchcase(d, p.pattern)]
        if not places:
            msg = (
                f"--perturb {p.text!r}: the pattern matches no number of {spec.instance} "
                "(patterns match whole dotted paths such as "
                "plants.JP_TM.lines.tm_lathe_high.unit_cost; use '*unit_cost' for a key anywhere)"
            )
            raise SweepError(msg)
        perturb_places.append(places)
    grid_places = []
    for a in spec.grid:
        if WILDCARD.search(a.pattern):
            places = [leaf for leaf, d in zip(leaves, dotted, strict=True) if fnmatch.fnmatchcase(d, a.pattern)]
        else:
            place = _resolve_place(raw, a.pattern)
            places = [place] if place is not None else []
            if place is not None and a.scale:
                try:
                    v = get_place(raw, place)
                except (KeyError, IndexError):
                    v = None
                if not (isinstance(v, int | float) and not isinstance(v, bool)):
                    places = []
        if not places:
            msg = (
                f"--grid {a.text!r}: {a.pattern!r} names no "
                + ("number" if a.scale or WILDCARD.search(a.pattern) else "place")
                + f" of {spec.instance} (a dotted path such as "
                "plants.CN_FFG.components.casting.min_quantity, whose parent exists)"
            )
            raise SweepError(msg)
        grid_places.append(places)
    n_points = math.prod(len(a.values) for a in spec.grid) if spec.grid else 1
    per_point = max(1, spec.samples)
    total = n_points * per_point
    chunk = spec.chunk or _default_chunk(total)
    digest = hashlib.sha256(
        json.dumps(raw, sort_keys=True, default=str).encode()
    ).hexdigest()
    from gpnopt.data import build_data

    data = build_data(base)
    plan = SweepPlan(
        spec=spec,
        raw=raw,
        name=spec.instance,
        digest=digest,
        perturb_places=perturb_places,
        grid_places=grid_places,
        n_points=n_points,
        per_point=per_point,
        total=total,
        chunk=chunk,
        firms=list(base.firms),
        plants=list(base.plants),
        lines=list(data.lines),
        make=list(data.make),
        entities=[e for e, k in data.entity_kind.items() if k != "plant"],
        expectations=[(e.id, e.description) for e in base.expectations],
    )
    plan.columns = _columns(plan)
    return plan


def _columns(plan: SweepPlan) -> dict[str, str]:
    """Column -> pandas dtype of the table."""
    cols: dict[str, str] = {"draw": "int64", "point": "int64", "sample": "int64"}
    for a in plan.spec.grid:
        cols[a.column] = "float64" if a.numeric else "object"
    cols.update({"status": "object", "error": "object", "objective": "float64",
                 "bound": "float64", "mip_gap": "float64", "pattern": "boolean"})
    for f in plan.firms:
        cols[f"profit.{f}"] = "float64"
    for eid, _ in plan.expectations:
        cols[f"holds.{eid}"] = "boolean"
    for p in plan.plants:
        cols[f"role.{p}"] = "object"
    for key in ("h", "supply_share", "vs_share", "export_share", "plant_profit"):
        for p in plan.plants:
            cols[f"{key}.{p}"] = "float64"
    for p, i in plan.lines:
        cols[f"line.{p}.{i}"] = "Int8"
    for p, i in plan.lines:
        cols[f"production.{p}.{i}"] = "float64"
    for p, k in plan.make:
        cols[f"in_house.{p}.{k}"] = "Int8"
    for e in plan.entities:
        cols[f"open.{e}"] = "Int8"
    return cols

