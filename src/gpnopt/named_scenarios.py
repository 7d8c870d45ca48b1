"""Check every scenario an instance file names, not only the one asked for.

An override is checked when it is applied: a key that no record has is refused with the
closest existing one (:func:`gpnopt.patches.patch_adds`), so ``--scenario typo`` exits 1. A
file's scenarios are not applied when the file is loaded as written, so a typo in one of them
would go unnoticed until somebody runs that scenario. :func:`scenario_problems` (used by
``gpnopt validate FILE`` without ``--scenario``) applies and validates each named scenario as
a whole (an override may patch a record that an earlier override of the same scenario adds),
and each override that no scenario names on its own (it can be run as ``--scenario NAME``).

No Pyomo here.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from pathlib import Path

from gpnopt.errors import GpnoptWarning, InstanceError
from gpnopt.io import from_scenario_files, instance_from_dict, read_instance_with_origins

__all__ = ["scenario_problems"]


def scenario_problems(
    path: str | Path,
    scenario_files: Sequence[str | Path] = (),
    *,
    allow_imports_outside: bool = False,
) -> tuple[list[str], list[str], tuple[int, int]]:
    """Apply and validate each scenario the file (and its imports) names.

    Returns:
        The problems of the named scenarios (lines ``file (scenario S): path: message``),
        the problems of the overrides no scenario names, each applied alone (reported as
        warnings by the CLI: such an override may be meant to run only together with another
        one), and the numbers of scenarios and of lone overrides checked. Their own warnings are
        not repeated here: running a scenario shows them.

    Raises:
        InstanceError: the file itself cannot be read (as :func:`gpnopt.load`).
    """
    raw, origins = read_instance_with_origins(path, scenario_files, allow_imports_outside)
    scenarios = raw.get("scenarios") or {}
    named: set[str] = set()
    for spec in scenarios.values():
        names = spec.get("overrides", []) if isinstance(spec, dict) else spec
        named.update(n for n in names or [] if isinstance(n, str))
    lone = [o for o in raw.get("overrides") or {} if o not in named and o not in scenarios]
    found: dict[str, list[str]] = {"scenarios": [], "overrides": []}
    for kind, names in (("scenarios", list(scenarios)), ("overrides", lone)):
        for name in names:
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", GpnoptWarning)
                    instance_from_dict(raw, name=str(path), scenario=str(name))
            except InstanceError as exc:
                found[kind] += from_scenario_files(str(path), exc.problems, origins)
    return found["scenarios"], found["overrides"], (len(scenarios), len(lone))
