"""The case end to end: ``gpnopt solve instances/tm_ffg.yaml`` against the bare import line.

Issue 22, target 4: the whole command (interpreter start, the CLI, loading the YAML, the
model, HiGHS, the result tables and the printed summary) in at most 2 times
``python -c "import pyomo.environ, highspy"``, measured side by side in one run. The two
commands run alternately ``--repeat`` times each (fresh processes, the output thrown away),
so that the load of a shared machine falls on both alike; the medians and their ratio are
printed, with whether the target is met. ``--parts`` also prints the command's largest
imports (``python -X importtime``, cumulative microseconds, one run), the measured causes.

Usage::

    python benchmarks/end_to_end.py                 # 9 runs of each, alternating
    python benchmarks/end_to_end.py --repeat 15 --parts
    python benchmarks/end_to_end.py --solver scip   # the same with --solver (gpnopt[scip])
    python benchmarks/end_to_end.py --baseline ../main/.venv/bin/python   # before and after
    python benchmarks/end_to_end.py --candidate /tmp/src-copy   # a change not yet committed

Every command runs with Python's bytecode cache on, in a temporary folder
(``PYTHONPYCACHEPREFIX``; ``PYTHONDONTWRITEBYTECODE`` is dropped), which the warm-up run fills:
as after an install, where pip compiles every module, and the same for each command (no
``__pycache__`` is written into a checkout). ``--no-cache`` runs them without it instead,
every module of a checkout compiled at each start.

``--baseline PYTHON`` adds a third command, the ``gpnopt solve`` installed beside another
interpreter (another checkout's environment), run in the same alternation: a before/after
pair measured side by side. ``--candidate DIR`` adds another, this checkout's ``gpnopt
solve`` with ``DIR`` first on ``PYTHONPATH``: a copy of ``src/`` with a change not yet
committed (another helper's files, say), measured in the same alternation.
"""

# ruff: noqa: T201 (a command-line script prints its table)

from __future__ import annotations

import argparse
import atexit
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CASE = ROOT / "instances" / "tm_ffg.yaml"
TARGET = 2.0
"""The target ratio: the command over the import line (issue 22)."""

BARE = [sys.executable, "-c", "import pyomo.environ, highspy"]


def gpnopt_command(solver: str | None, python: str = sys.executable) -> list[str]:
    """``gpnopt solve`` of the case, through the console script beside ``python``."""
    gp = shutil.which("gpnopt", path=str(Path(python).parent))
    head = [gp] if gp else [python, "-m", "gpnopt"]
    return [*head, "solve", str(CASE), *(["--solver", solver] if solver else [])]


ENV = dict(os.environ)
"""The environment of every command (:func:`set_cache`)."""


def set_cache(cached: bool) -> None:  # noqa: FBT001
    """Bytecode cache on (in a temporary folder, filled by the warm-up) or off."""
    ENV.pop("PYTHONDONTWRITEBYTECODE", None)
    ENV.pop("PYTHONPYCACHEPREFIX", None)
    if cached:
        ENV["PYTHONPYCACHEPREFIX"] = folder = tempfile.mkdtemp(prefix="gpnopt-e2e-pyc-")
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
    else:
        ENV["PYTHONDONTWRITEBYTECODE"] = "1"


CANDIDATE = "gpnopt solve (candidate)"
PATHS: dict[str, str] = {}
"""``PYTHONPATH`` of a command, by its label (``--candidate``)."""


def wall(cmd: list[str], label: str = "") -> float:
    """Seconds of one run of ``cmd`` (its output discarded; a failure stops the script)."""
    env = {**ENV, "PYTHONPATH": PATHS[label]} if label in PATHS else ENV
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    return time.perf_counter() - t0


def side_by_side(commands: dict[str, list[str]], repeat: int) -> dict[str, list[float]]:
    """Each command ``repeat`` times, alternating (after one warm-up run of each, which
    also fills the bytecode caches)."""
    for k, cmd in commands.items():
        wall(cmd, k)
    times: dict[str, list[float]] = {k: [] for k in commands}
    for _ in range(repeat):
        for k, cmd in commands.items():
            times[k].append(wall(cmd, k))
    return times


def largest_imports(cmd: list[str], top: int = 12) -> list[tuple[int, str]]:
    """The ``top`` largest first-level imports of one run of ``cmd`` (cumulative us)."""
    python_cmd = [sys.executable, "-X", "importtime", "-m", "gpnopt", *cmd[cmd.index("solve"):]]
    run = subprocess.run(python_cmd, check=True, capture_output=True, text=True, env=ENV)
    rows = []
    for line in run.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        _self, cumulative, name = line[len("import time:"):].split("|")
        if cumulative.strip().isdigit() and len(name) - len(name.lstrip()) <= 3:
            rows.append((int(cumulative), name.strip()))
    return sorted(rows, reverse=True)[:top]


def main() -> None:
    """Run the commands side by side and print the medians, the ratio and the verdict."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=9, help="runs of each command")
    parser.add_argument("--solver", default=None, help="pass --solver to gpnopt solve")
    parser.add_argument("--parts", action="store_true", help="also print the largest imports")
    parser.add_argument("--baseline", default=None, help="another environment's python")
    parser.add_argument("--candidate", default=None,
                        help="also run gpnopt solve with this folder (a copy of src/) first on "
                             "PYTHONPATH")
    parser.add_argument("--no-cache", action="store_true",
                        help="run without the bytecode cache (every module compiled at start)")
    args = parser.parse_args()
    set_cache(not args.no_cache)
    solve = gpnopt_command(args.solver)
    commands = {"import line": BARE, "gpnopt solve": solve}
    if args.baseline:
        commands["gpnopt solve (baseline)"] = gpnopt_command(args.solver, args.baseline)
    if args.candidate:
        commands[CANDIDATE] = solve
        PATHS[CANDIDATE] = str(Path(args.candidate).resolve())
    times = side_by_side(commands, args.repeat)
    bare = statistics.median(times["import line"])
    full = statistics.median(times["gpnopt solve"])
    cache = "off" if args.no_cache else "on (a temporary PYTHONPYCACHEPREFIX)"
    print(f"{args.repeat} runs of each, alternating (medians); bytecode cache {cache}")
    print("| command | median s | min s | max s |\n|---|---:|---:|---:|")
    for k, ts in times.items():
        print(f"| {k} | {statistics.median(ts):.3f} | {min(ts):.3f} | {max(ts):.3f} |")
    ratio = full / bare
    verdict = "met" if ratio <= TARGET else "NOT met"
    print(f"ratio {ratio:.2f} (target at most {TARGET:g}): {verdict}")
    if args.baseline:
        before = statistics.median(times["gpnopt solve (baseline)"])
        print(f"baseline ratio {before / bare:.2f}; this checkout takes {full / before:.2f} of it")
    if args.candidate:
        cand = statistics.median(times[CANDIDATE])
        print(f"candidate ratio {cand / bare:.2f} ({'met' if cand / bare <= TARGET else 'NOT met'})"
              f"; it takes {cand / full:.2f} of this checkout's")
    if args.parts:
        print("\nlargest imports of gpnopt solve (cumulative ms, one run, -X importtime):")
        for us, name in largest_imports(solve):
            print(f"  {us / 1000:8.1f}  {name}")


if __name__ == "__main__":
    main()
