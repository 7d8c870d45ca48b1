"""Running a sensitivity study: design, solve on the sweep's machinery, analyse, write.

Layout of the folder (``--out``; default ``out/sensitivity-<instance>-<hash of the spec>``):
``draws/`` is a sweep folder (:mod:`gpnopt.sweep.store`: parts, ``draws.parquet``, resumable:
the same command again solves only the parts not yet there), ``factors.csv`` lists each
number with its kind, group, value and range, ``indices.csv`` the groups' indices per output
(:func:`gpnopt.sensitivity.indices.indices`) and ``sensitivity.json`` the spec, the design
and per output the ranking and the assumed-numbers flag.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gpnopt.atomic import FolderError, OutputFolder, inspect_folder
from gpnopt.sensitivity.design import StudyDesign, kind_counts, make_design
from gpnopt.sensitivity.indices import WEAK_SHARE, conclusions, indices
from gpnopt.sensitivity.spec import SensitivitySpec
from gpnopt.sweep import SOLVED, SweepPlan, SweepRun, run_sweep
from gpnopt.sweep.summary import jsonable

if TYPE_CHECKING:
    import pandas as pd

DRAWS = "draws"
FACTORS = "factors.csv"
INDICES = "indices.csv"
SUMMARY = "sensitivity.json"
"""Names in the study's folder."""


@dataclass
class SensitivityRun:
    """What :func:`run_sensitivity` did.

    Attributes:
        out: the folder.
        design: the factors, SALib's problem and the plan.
        sweep: the sweep run that solved the design (its table: one row per solve).
        indices: :func:`gpnopt.sensitivity.indices.indices` of the table.
        summary: the content of ``sensitivity.json``.
        files: the files written.
        interrupted: the solves stopped early; re-run to resume (no indices then).
    """

    out: Path
    design: StudyDesign
    sweep: SweepRun
    indices: pd.DataFrame | None
    summary: dict[str, Any] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)
    interrupted: bool = False


def default_out(spec: SensitivitySpec) -> Path:
    """``out/sensitivity-<instance>-<hash of the spec>``."""
    h = hashlib.sha256(json.dumps(spec.as_dict(), sort_keys=True).encode()).hexdigest()[:8]
    return Path("out") / f"sensitivity-{Path(spec.instance).stem}-{h}"


def run_sensitivity(
    spec: SensitivitySpec,
    out: str | Path | None = None,
    *,
    workers: int | None = None,
    scheduler: Any = None,
    overwrite: bool = False,
    progress: Callable[[int, int], None] | None = None,
    on_start: Callable[[StudyDesign, SweepPlan, int, int], None] | None = None,
) -> SensitivityRun:
    """Run (or resume) a global sensitivity study and write its folder.

    Args:
        spec: the study (:meth:`SensitivitySpec.build`).
        out: the folder; default :func:`default_out`.
        workers, scheduler: as in :func:`gpnopt.sweep.run_sweep` (local processes, or a
            Dask scheduler address or Client); every worker keeps one persistent solver.
        overwrite: replace a folder holding another study.
        progress: called with (solves done, total) after each part.
        on_start: called with (design, plan, solves already done, workers) before solving.

    Raises:
        SweepError: a bad spec, or a folder holding another study (CLI exit 2);
        InstanceError: a bad instance or scenario (exit 1); FolderError: the folder holds
        files gpnopt did not write (exit 1).
    """
    design = make_design(spec)
    out_dir = Path(out) if out is not None else default_out(spec)
    state = inspect_folder(out_dir, depth=0)
    foreign = [n for n in state.foreign if n.rstrip("/") != DRAWS]
    if foreign:
        msg = f"{out_dir} holds files gpnopt did not write ({', '.join(foreign[:5])}); choose another output folder"
        raise FolderError(msg)

    def started(plan: SweepPlan, done: int, n_workers: int) -> None:
        if on_start is not None:
            on_start(design, plan, done, n_workers)

    sweep = run_sweep(design.plan, out_dir / DRAWS, workers=workers, scheduler=scheduler,
                      overwrite=overwrite, progress=progress, on_start=started)
    run = SensitivityRun(out=out_dir, design=design, sweep=sweep, indices=None,
                         interrupted=sweep.interrupted)
    if sweep.interrupted:
        return run
    run.indices = indices(sweep.table, design)
    run.summary = _summary(spec, design, sweep, run.indices)
    folder = OutputFolder(out_dir, files=[FACTORS, INDICES, SUMMARY], folders={DRAWS: None})
    with folder:
        run.files.append(folder.write(FACTORS, _csv(_factor_frame(design))))
        run.files.append(folder.write(INDICES, _csv(run.indices)))
        text = json.dumps(jsonable(run.summary), indent=2, allow_nan=False) + "\n"
        run.files.append(folder.write(SUMMARY, text))
    return run


def _factor_frame(design: StudyDesign) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame([
        {"path": f.path, "kind": f.kind, "group": f.group, "value": f.value,
         "low": f.value * (1 - f.scale), "high": f.value * (1 + f.scale)}
        for f in design.factors
    ])


def _summary(spec: SensitivitySpec, design: StudyDesign, sweep: SweepRun,
             ind: pd.DataFrame) -> dict[str, Any]:
    table = sweep.table
    solved = int(table["status"].isin(SOLVED).sum()) if len(table) else 0
    concl = conclusions(ind)
    return {
        "instance": spec.instance,
        "scenario": spec.scenario or "base",
        "spec": spec.as_dict(),
        "method": spec.method,
        "group": spec.group,
        "solves": len(table),
        "solved": solved,
        "numbers": len(design.factors),
        "kinds": kind_counts(design.factors),
        "groups": [{"group": g, "numbers": sum(f.group == g for f in design.factors),
                    "weak_share": design.weak_share(g)} for g in design.groups],
        "weak_share_flag": WEAK_SHARE,
        "outputs": concl,
        "rests_on_assumed": [c["output"] for c in concl if c["rests_on_assumed"]],
        "seconds": round(sweep.seconds, 3),
        "workers": sweep.workers,
    }


def _csv(df: pd.DataFrame) -> str:
    return df.to_csv(index=False, lineterminator="\n", float_format=_fmt)


def _fmt(x: float) -> str:
    return "" if math.isnan(x) else repr(float(x))
