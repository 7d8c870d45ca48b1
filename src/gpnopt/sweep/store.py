"""The sweep's folder: the manifest, Parquet parts, resume, and the final files.

Layout: ``manifest.json`` (the spec and a digest of the instance), ``parts/part-NNNNNN.parquet``
(one per chunk of draws), and at the end ``draws.parquet`` (and ``draws.csv``, ``tables.xlsx``
on request), ``summary.json`` and, for grids, ``flips.csv``. Every file is written atomically
(:mod:`gpnopt.atomic`: a temporary file in the same folder, then a rename), so an interrupted
run leaves only whole parts, and re-running the same spec skips them. gpnopt's own manifest
``.gpnopt-manifest.json`` (:class:`gpnopt.atomic.OutputFolder`) is incomplete from the start
until the final files are written; a folder holding files gpnopt did not write is refused.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gpnopt.atomic import (
    FolderError,
    OutputFolder,
    inspect_folder,
    read_manifest,
    write_bytes,
)
from gpnopt.sweep.spec import SweepError

if TYPE_CHECKING:
    import pandas as pd

    from gpnopt.sweep.plan import SweepPlan

MANIFEST = "manifest.json"
PARTS = "parts"
TABLE = "draws.parquet"
SUMMARY = "summary.json"
FLIPS = "flips.csv"
CSV = "draws.csv"
WORKBOOK = "tables.xlsx"
"""File names in the folder."""
PART_PATTERN = r"part-\d{6}\.parquet"
"""The names of the part files (the manifest's pattern of the parts folder)."""


def records_frame(plan: SweepPlan, records: list[dict[str, Any]]) -> pd.DataFrame:
    """Records as a DataFrame with the plan's columns and dtypes (missing values NA).

    Each column is made with its dtype at once (the frame equals that of inferring each
    column's dtype and converting it after, as this did before, at about 60% of the time:
    ``tests/test_sweep_draw_path.py``)."""
    import pandas as pd

    cols = plan.columns
    data = {c: pd.Series([r.get(c) for r in records], dtype=object if d == "object" else d)
            for c, d in cols.items()}
    return pd.DataFrame(data, columns=list(cols))


def write_parquet(df: pd.DataFrame, path: Path) -> Path:
    """Write ``df`` as Parquet to ``path`` atomically."""
    return write_bytes(path, df.to_parquet(index=False))


def part_path(out: Path, c: int) -> Path:
    """The part file of chunk ``c``."""
    return out / PARTS / f"part-{c:06d}.parquet"


def write_part(plan: SweepPlan, out: Path, c: int, records: list[dict[str, Any]]) -> Path:
    """Write chunk ``c``'s records as its part."""
    return write_parquet(records_frame(plan, records), part_path(out, c))


def _done_chunks(out: Path) -> set[int]:
    found = set()
    for p in (out / PARTS).glob("part-*.parquet"):
        m = re.fullmatch(r"part-(\d+)\.parquet", p.name)
        if m:
            found.add(int(m.group(1)))
    return found


def prepare_folder(plan: SweepPlan, out: Path, overwrite: bool) -> tuple[OutputFolder, set[int]]:
    """Check the folder, start its gpnopt manifest (incomplete), write the sweep's
    ``manifest.json``; return the folder (finished by the caller) and the chunks already done.

    Raises:
        FolderError: the folder holds files gpnopt did not write.
        SweepError: it holds another sweep (and not ``overwrite``).
    """
    state = inspect_folder(out)
    if read_manifest(out) is None and (out / MANIFEST).is_file():
        # a sweep folder written before gpnopt's manifest: its own names are the sweep's
        legacy = {MANIFEST, f"{PARTS}/", TABLE, SUMMARY, FLIPS, CSV}
        state.foreign = [n for n in state.foreign if n not in legacy]
    if state.foreign:
        msg = (
            f"{out} holds files gpnopt did not write ({state.describe()}); choose another "
            "output folder"
        )
        raise FolderError(msg)
    manifest = plan.manifest()
    mpath = out / MANIFEST
    if mpath.exists():
        try:
            old = json.loads(mpath.read_text())
        except (OSError, ValueError):
            old = None
        same = (
            isinstance(old, dict)
            and old.get("spec") == manifest["spec"]
            and old.get("instance_digest") == manifest["instance_digest"]
            and old.get("chunk") == manifest["chunk"]
            and old.get("format") == manifest["format"]
            and old.get("design") == manifest.get("design")
        )
        if not same and not overwrite:
            what = _spec_difference(old, manifest)
            msg = (
                f"{out} holds another sweep ({what}); use another output folder, or "
                "--force to replace it (overwrite=True in run_sweep)"
            )
            raise SweepError(msg)
        if not same or overwrite:
            for p in (out / PARTS).glob("*.parquet"):
                p.unlink()
            for name in (TABLE, SUMMARY, FLIPS, CSV, WORKBOOK):
                (out / name).unlink(missing_ok=True)
    folder = OutputFolder(
        out, files=[MANIFEST, TABLE, CSV, SUMMARY, FLIPS, WORKBOOK],
        folders={PARTS: PART_PATTERN},
    ).begin()
    (out / PARTS).mkdir(parents=True, exist_ok=True)
    folder.write(MANIFEST, json.dumps(manifest, indent=2) + "\n")
    done = _done_chunks(out)
    return folder, {c for c in done if c < plan.n_chunks}


def _spec_difference(old: Any, new: Mapping[str, Any]) -> str:
    if not isinstance(old, dict) or "spec" not in old:
        return "its manifest.json is not a sweep manifest"
    diffs = []
    for k, v in new["spec"].items():
        if old["spec"].get(k) != v:
            diffs.append(f"{k}: {old['spec'].get(k)!r} there, {v!r} here")
    if old.get("instance_digest") != new["instance_digest"]:
        diffs.append("the instance (after its scenario) changed")
    if old.get("design") != new.get("design"):
        diffs.append("another design of preset factors")
    if old.get("chunk") != new["chunk"]:
        diffs.append(f"chunk: {old.get('chunk')} there, {new['chunk']} here")
    return "; ".join(diffs) or "another format"


def read_parts(out: str | Path) -> pd.DataFrame:
    """Every part in ``out`` as one table, sorted by draw."""
    import pandas as pd

    out = Path(out)
    paths = sorted((out / PARTS).glob("part-*.parquet"))
    if not paths:
        return pd.DataFrame()
    df = pd.concat([pd.read_parquet(p) for p in paths], ignore_index=True)
    return df.sort_values("draw", kind="stable").reset_index(drop=True)


def load_sweep(out: str | Path) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The table (``draws.parquet``, else the parts) and the manifest of a sweep folder."""
    import pandas as pd

    out = Path(out)
    manifest = json.loads((out / MANIFEST).read_text())
    table = pd.read_parquet(out / TABLE) if (out / TABLE).exists() else read_parts(out)
    return table, manifest
