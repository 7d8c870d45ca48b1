"""Read an instance file safely, apply scenarios and overrides, validate it.

The pipeline is: bytes -> YAML (:mod:`gpnopt.yaml_reader`: safe loader, limits, duplicate
keys refused) -> raw mapping (merged
onto its base instance, with its imported scenario files) -> scenario patches deep-merged
(:mod:`gpnopt.patches`) -> one raw instance per period (:mod:`gpnopt.timeseries`) -> pydantic
shape validation (:mod:`gpnopt.schema`) -> meaning checks (:mod:`gpnopt.checks`). Every
problem found at a stage is collected and raised once as an
:class:`~gpnopt.errors.InstanceError` whose lines read ``file: yaml.path: message``.
"""

from __future__ import annotations

import copy
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from gpnopt.checks import check_instance
from gpnopt.checks.provenance import check_provenance
from gpnopt.checks.traps import warn_unreached_markets
from gpnopt.currency import currency_problems, to_model_money
from gpnopt.errors import GpnoptWarning, InstanceError, show
from gpnopt.patches import (
    deep_merge,
    override_clashes,
    patch_adds,
    refused_patch_keys,
    reserved_names,
    restated,
    scenario_overrides,
)
from gpnopt.problems import problem_line
from gpnopt.schema import Instance, InstanceFile, Name, Scenario
from gpnopt.timeseries import (
    PeriodRaw,
    combine,
    period_ids,
    period_instances,
    resolve_periods,
    series_problems,
)
from gpnopt.yaml_reader import read_yaml

__all__ = [
    "deep_merge", "from_scenario_files", "instance_from_dict", "load", "override_clashes",
    "read_instance_file", "read_instance_with_origins", "read_yaml", "resolve_raw",
    "scenario_names", "validation_problems",
]

_FILE_KEYS = ("overrides", "scenarios")


def validation_problems(
    name: str, exc: ValidationError, prefix: str = "", where: PeriodRaw | None = None,
    raw: Any = None,
) -> list[str]:
    """Lines ``file: path: message`` for every error of a pydantic ``ValidationError``
    (``where``: the period whose resolved paths are located in the file; ``raw``: the
    document validated, read to explain a key YAML made of an unquoted comma)."""
    lines = []
    root = _ROOTS.get(exc.title)
    if raw is None and where is not None:
        raw = where.data
    for err in exc.errors(include_url=False):
        loc, msg = problem_line(err, root, raw)
        loc, msg = (where.loc(loc), where.hint(err, msg)) if where else (loc, msg)
        if prefix:
            loc = f"{prefix}.{loc}" if loc != "(top level)" else prefix
        lines.append(f"{name}: {loc}: {msg}")
    return lines


_ROOTS: dict[str, type[BaseModel]] = {"Instance": Instance, "InstanceFile": InstanceFile}
"""Models whose errors get "did you mean" hints for unknown keys, by name."""


class ScenarioFile(BaseModel):
    """A file of overrides and scenarios kept beside an instance."""

    model_config = ConfigDict(extra="forbid")
    overrides: dict[Name, dict[str, Any]] = {}
    scenarios: dict[Name, Scenario] = {}


_ROOTS["ScenarioFile"] = ScenarioFile


def _merge_scenario_files(
    name: str, raw: dict[str, Any], files: list[Path],
    origins: dict[tuple[str, str], str] | None = None,
) -> list[str]:
    """Add the overrides and scenarios of ``files`` to ``raw`` in place; return problems.

    ``origins`` (filled if given): (``overrides`` or ``scenarios``, name) -> the file that
    defines it, for each one a file of ``files`` added."""
    problems: list[str] = []
    raw.setdefault("overrides", {})
    raw.setdefault("scenarios", {})
    origin = {n: name for key in _FILE_KEYS for n in (raw.get(key) or {})}
    for f in files:
        try:
            extra = read_yaml(f)
            ScenarioFile.model_validate(extra)
        except InstanceError as exc:
            problems += exc.problems
            continue
        except ValidationError as exc:
            problems += validation_problems(str(f), exc)
            continue
        problems += reserved_names(str(f), extra)
        for key in _FILE_KEYS:
            for n, spec in (extra.get(key) or {}).items():
                if n in origin:
                    problems.append(
                        f"{f}: {key}.{n}: the name is already defined in {origin[n]}"
                    )
                    continue
                origin[n] = str(f)
                raw[key][n] = spec
                if origins is not None:
                    origins[(key, n)] = str(f)
    return problems


def from_scenario_files(
    name: str, problems: list[str], origins: dict[tuple[str, str], str]
) -> list[str]:
    """``problems`` with each one located in an override or scenario a scenario file
    defines (``name: overrides.X...``) named by that file instead of the instance ``name``."""
    if not origins:
        return problems
    out = []
    for p in problems:
        for (key, n), f in origins.items():
            head = f"{name}: {key}.{n}"
            if p.startswith(head) and p[len(head):len(head) + 1] in ("", ".", ":", " "):
                p = f"{f}: {key}.{n}{p[len(head):]}"
                break
        out.append(p)
    return out


def _import_paths(
    name: str, path: Path, imports: Sequence[str], allow_outside: bool,  # noqa: FBT001
    chain: tuple[Path, ...] = (),
) -> tuple[list[tuple[Path, dict[str, Any]]], list[str]]:
    """The files an instance's ``imports`` names with their contents, and the problems of
    the entries refused (``chain``: the files that import this one, for loops).

    An import must be a ``.yaml`` or ``.yml`` file in the instance's folder or below it
    (symbolic links resolved), unless ``allow_outside``; it must be readable and must not
    lead back to a file that imports it (a loop).
    """
    folder = path.parent.resolve()
    files: list[tuple[Path, dict[str, Any]]] = []
    problems: list[str] = []
    for n, entry in enumerate(imports):
        where = f"{name}: imports.{n}"
        target = path.parent / entry
        if target.suffix.lower() not in (".yaml", ".yml"):
            problems.append(f"{where}: {show(entry)} is not a .yaml or .yml file")
        elif not allow_outside and not target.resolve().is_relative_to(folder):
            problems.append(
                f"{where}: {show(entry)} lies outside the instance's folder; an import must "
                "be beside the instance or below it (allow_imports_outside permits others)"
            )
        elif (loop := _loop(path, chain, target)) is not None:
            problems.append(f"{where}: {show(entry)} {loop}")
        elif not target.exists():
            problems.append(f"{where}: the imported file {show(entry)} does not exist "
                            f"(looked for {target})")
        else:
            try:
                files.append((target, read_yaml(target)))
            except InstanceError as exc:
                problems += [f"{where}: cannot import {show(entry)}: {p}" for p in exc.problems]
    return files, problems


def _loop(path: Path, chain: tuple[Path, ...], target: Path) -> str | None:
    """How importing ``target`` from ``path`` (imported through ``chain``) loops, or
    ``None``."""
    files = (*chain, path)
    resolved = [f.resolve() for f in files]
    if target.resolve() not in resolved:
        return None
    at = resolved.index(target.resolve())
    if at == len(files) - 1:
        return "is this file itself: a file cannot import itself (an import loop)"
    cycle = " -> ".join(str(f) for f in (*files[at:], target))
    return f"imports this file again: an import loop ({cycle})"


def read_instance_file(
    path: str | Path,
    scenario_files: Sequence[str | Path] = (),
    *,
    allow_imports_outside: bool = False,
) -> dict[str, Any]:
    """Read an instance file with its base instance and imported (and extra) scenario files
    merged in.

    The mapping still holds ``overrides`` and ``scenarios``; no scenario is applied yet.
    ``imports`` must name ``.yaml``/``.yml`` files in the instance's folder or below it,
    unless ``allow_imports_outside``; ``scenario_files`` may lie anywhere. An import that is
    an instance (it has instance sections such as ``plants``) is the file's base: the file is
    deep-merged onto it (:func:`gpnopt.patches.deep_merge`), with the base's own imports,
    overrides and scenarios; at most one base.

    Raises:
        InstanceError: the file, its base or a scenario file is unreadable or of the wrong
            shape, an import is refused, imports loop, there are two bases, or a scenario
            name is defined twice.
    """
    return read_instance_with_origins(path, scenario_files, allow_imports_outside)[0]


def read_instance_with_origins(
    path: str | Path, scenario_files: Sequence[str | Path], allow_imports_outside: bool  # noqa: FBT001
) -> tuple[dict[str, Any], dict[tuple[str, str], str]]:
    """:func:`read_instance_file`, and which of ``scenario_files`` defines each override and
    scenario it added: (``overrides`` or ``scenarios``, name) -> file (for
    :func:`from_scenario_files`)."""
    origins: dict[tuple[str, str], str] = {}
    raw = _read_file(Path(path), allow_imports_outside, (), origins)
    if scenario_files:
        problems = _merge_scenario_files(
            str(path), raw, [Path(f) for f in scenario_files], origins
        )
        if problems:
            raise InstanceError(problems)
    return raw, origins


def _read_file(path: Path, allow_outside: bool, chain: tuple[Path, ...],  # noqa: FBT001
               origins: dict[tuple[str, str], str] | None = None) -> dict[str, Any]:
    """:func:`read_instance_file` without the extra scenario files (``chain``: the files
    that import this one, for loops; ``origins``: filled with the file, other than this one,
    that defines each override and scenario: an imported scenario file, the base)."""
    name = str(path)
    raw = read_yaml(path)
    entries = raw.get("imports")
    fine = isinstance(entries, list) and all(isinstance(e, str) for e in entries)
    imported, problems = _import_paths(name, path, entries if fine else [], allow_outside, chain)
    if problems:  # what else is wrong may only be the missing base's: the imports first
        raise InstanceError(problems + _file_key_problems(name, raw))
    bases = [f for f, data in imported if _is_instance(data)]
    written = {k: v for k, v in raw.items() if k not in ("imports", *_FILE_KEYS)}
    try:  # the shape as written: the whole file, unless values are resolved later
        if bases or raw.get("periods") or series_problems(written):
            _FileKeys.model_validate({k: raw[k] for k in ("imports", *_FILE_KEYS) if k in raw})
        else:
            InstanceFile.model_validate(raw)
    except ValidationError as exc:
        raise InstanceError(validation_problems(name, exc, raw=raw)) from None
    problems += reserved_names(name, raw)
    problems += [f"{name}: {k}.{n}: null removes an inherited name, but the file has no base "
                 "(an instance in imports)" for k in (() if bases else _FILE_KEYS)
                 for n, v in (raw.get(k) or {}).items() if v is None]
    if len(bases) > 1:
        problems.append(f"{name}: imports: {', '.join(map(str, bases))} are all instances; "
                        "a file is built on at most one base instance")
    if problems:
        raise InstanceError(problems)
    raw.pop("imports", None)
    if bases:
        raw = _onto_base(name, raw, bases[0], allow_outside, (*chain, path), origins)
    others = [f for f, _ in imported if f not in bases]
    problems = _merge_scenario_files(name, raw, others, origins) if others else []
    if problems:
        raise InstanceError(problems)
    return raw


def _file_key_problems(name: str, raw: dict[str, Any]) -> list[str]:
    """The shape problems of a file's ``imports``, ``overrides`` and ``scenarios``."""
    try:
        _FileKeys.model_validate({k: raw[k] for k in ("imports", *_FILE_KEYS) if k in raw})
    except ValidationError as exc:
        return validation_problems(name, exc, raw=raw)
    return []


def _is_instance(data: Mapping[str, Any]) -> bool:
    """Whether an imported file is an instance (a base), not only overrides and scenarios."""
    return any(k in Instance.model_fields for k in data)


def _onto_base(
    name: str, raw: dict[str, Any], base: Path, allow_outside: bool, chain: tuple[Path, ...],  # noqa: FBT001
    origins: dict[tuple[str, str], str] | None = None,
) -> dict[str, Any]:
    """The file ``raw`` deep-merged onto its base instance (validated on its own first);
    ``origins`` as :func:`_read_file`'s, the base's own overrides and scenarios its."""
    merged = _read_file(base, allow_outside, chain, origins)
    instance_from_dict(merged, name=str(base))
    if origins is not None:
        for key in _FILE_KEYS:
            for n in merged.get(key) or {}:
                origins.setdefault((key, n), str(base))
    problems = []
    for key in _FILE_KEYS:
        merged[key] = dict(merged.get(key) or {})
        for n, spec in (raw.pop(key, None) or {}).items():
            if spec is None and n in merged[key]:  # removed: it does not apply to this file
                del merged[key][n]
            elif spec is None:
                problems.append(f"{name}: {key}.{n}: null removes an inherited name, but "
                                f"{base} defines none of this name")
            elif n in merged[key]:
                problems.append(f"{name}: {key}.{n}: the name is already defined in {base} "
                                "(write null to remove it here, then define it under a new name)")
            else:
                merged[key][n] = spec
    for where in restated(merged, raw):
        warnings.warn(f"{name}: {where}: states the same value as its base {base}; leave it "
                      "out", GpnoptWarning, stacklevel=2)
    problems += [f"{name}: {p}" for p in deep_merge(merged, raw)]
    if problems:
        raise InstanceError(problems)
    return merged


class _FileKeys(ScenarioFile):
    """The file-only keys of an instance file whose values are checked once resolved (a
    file built on a base may remove an inherited override or scenario: ``name: null``)."""

    imports: list[str] = []
    overrides: dict[Name, dict[str, Any] | None] = {}  # as InstanceFile's
    scenarios: dict[Name, Scenario | None] = {}


def load(
    path: str | Path,
    scenario: str | None = None,
    overrides: Mapping[str, Any] | None = None,
    scenario_files: Sequence[str | Path] = (),
    *,
    allow_imports_outside: bool = False,
) -> Instance:
    """Load, patch and validate an instance file.

    Args:
        path: the YAML instance file.
        scenario: a scenario or override name, or several joined by commas; ``base`` or
            ``None`` for the instance as written.
        overrides: an extra deep-merge patch applied last (Python callers).
        scenario_files: YAML files with more ``overrides`` and ``scenarios`` (in addition to
            those the instance lists under ``imports``, relative to the instance file).
        allow_imports_outside: let ``imports`` name files outside the instance's folder
            (by default an import must lie beside the instance or below it).

    Returns:
        The validated :class:`~gpnopt.schema.Instance`.

    Raises:
        InstanceError: with every problem found, each naming the file and the YAML path.
    """
    raw, origins = read_instance_with_origins(path, scenario_files, allow_imports_outside)
    try:
        return instance_from_dict(raw, name=str(path), scenario=scenario, overrides=overrides)
    except InstanceError as exc:  # a problem of a scenario file's override: that file's
        raise InstanceError(from_scenario_files(str(path), exc.problems, origins)) from None


def resolve_raw(
    path: str | Path,
    scenario: str | None = None,
    overrides: Mapping[str, Any] | None = None,
    scenario_files: Sequence[str | Path] = (),
    *,
    allow_imports_outside: bool = False,
) -> dict[str, Any]:
    """The instance mapping of a file with its scenario and overrides applied.

    This is what :func:`load` validates, as plain data (for sweeps that perturb numbers
    before validating). The scenario is checked as :func:`load` checks it.

    Raises:
        InstanceError: as :func:`load`.
    """
    name = str(path)
    raw = read_instance_file(path, scenario_files, allow_imports_outside=allow_imports_outside)
    data = _apply_scenario(name, raw, scenario, overrides)
    load(
        path,
        scenario=scenario,
        overrides=overrides,
        scenario_files=scenario_files,
        allow_imports_outside=allow_imports_outside,
    )
    return data


def _apply_scenario(
    name: str,
    raw: Mapping[str, Any],
    scenario: str | None,
    overrides: Mapping[str, Any] | None,
    *,
    shallow: bool = False,
) -> dict[str, Any]:
    """A copy of ``raw`` with the scenario's patches and ``overrides`` merged in and the
    file-only keys removed.

    ``shallow`` (no scenario or overrides, which merge in place): only the top level and
    ``notes`` are copied. Validation reads the rest without changing it and builds its own
    records, lists and mappings; ``notes`` (``dict[str, Any]``) is the one field whose
    nested values the instance would otherwise share with ``raw``."""
    if shallow and not scenario and not overrides:
        data = dict(raw)
        if "notes" in data:
            data["notes"] = plain_copy(data["notes"])
    else:
        data = plain_copy(dict(raw))
    data.pop("imports", None)
    try:  # the file keys' shape, also for mappings that did not come through a file
        ScenarioFile.model_validate({k: data[k] for k in _FILE_KEYS if k in data})
    except ValidationError as exc:
        raise InstanceError(validation_problems(name, exc)) from None
    problems = reserved_names(name, data)  # also for mappings that did not come from a file
    if scenario:
        patches, found = scenario_overrides(name, data, scenario)
        problems += found + override_clashes(name, patches)
        for oname, patch in patches:
            if not isinstance(patch, Mapping):
                problems.append(f"{name}: overrides.{oname}: must be a mapping")
                continue
            problems += refused_patch_keys(f"{name}: overrides.{oname}", patch)
            problems += _merge_override(data, patch, f"{name}: overrides.{oname}")
    if overrides:
        problems += refused_patch_keys(f"{name}: overrides (argument)", overrides)
        problems += _merge_override(data, overrides, f"{name}: overrides (argument)")
    if problems:
        raise InstanceError(problems)
    for key in _FILE_KEYS:
        data.pop(key, None)
    return data


def plain_copy(x: Any) -> Any:
    """A deep copy of YAML data: dicts, lists and scalars copied by hand (several times
    faster than ``copy.deepcopy``, which a sweep paid on every draw); anything else through
    ``copy.deepcopy``. Shared sub-mappings (YAML anchors) become separate copies."""
    if isinstance(x, dict):
        return {k: plain_copy(v) for k, v in x.items()}
    if isinstance(x, list):
        return [plain_copy(v) for v in x]
    if x is None or isinstance(x, str | int | float):  # bool is an int
        return x
    return copy.deepcopy(x)


def _merge_override(data: dict[str, Any], patch: Mapping[str, Any], where: str) -> list[str]:
    """Merge one override into ``data`` in place (adds only where marked, ``+ID``)."""
    ids = period_ids(patch.get("periods")) or period_ids(data.get("periods"))
    unmarked, problems = patch_adds(data, patch, periods=ids)
    problems += deep_merge(data, unmarked, periods=ids)
    return [f"{where}.{p}" for p in problems]


def instance_from_dict(
    raw: Mapping[str, Any],
    name: str = "<dict>",
    scenario: str | None = None,
    overrides: Mapping[str, Any] | None = None,
    *,
    numbers_changed: bool = False,
    numbers_replaced: bool = False,
) -> Instance:
    """Validate an instance given as a Python mapping (as read from YAML).

    Args:
        raw: the instance mapping, possibly with ``overrides`` and ``scenarios``.
        name: the name used in messages (the file name).
        scenario: as in :func:`load`.
        overrides: as in :func:`load`.
        numbers_changed: ``raw`` is a mapping validated before whose numbers alone changed
            since (a sweep's draw): the checks no number can fail (provenance texts name
            their kind; without ``periods:``, no values by period) are not run again.
        numbers_replaced: implies ``numbers_changed``; each change replaced a number by a
            number (no key added or removed, no text changed): the meaning checks that read
            no number (:data:`gpnopt.checks.NUMBER_FREE`) and the warnings are not run
            again, and without a scenario or overrides ``raw`` is copied only at its top
            level and ``notes``. Pydantic, the currency conversion and every check that
            reads a number still run.

    Provenance texts of numbers must name their kind (:mod:`gpnopt.checks.provenance`).
    """
    if numbers_replaced:
        return _instance_of(name, raw, scenario, overrides, series=False, replaced=True)
    if numbers_changed:
        return _instance_of(name, raw, scenario, overrides, series=False)
    kindless = [f"{name}: {p}" for p in check_provenance(raw) + check_provenance(overrides or {})]
    try:
        instance = _instance_of(name, raw, scenario, overrides)
    except InstanceError as exc:
        raise InstanceError(kindless + exc.problems) from None
    if kindless:
        raise InstanceError(kindless)
    return instance


def _instance_of(name: str, raw: Mapping[str, Any], scenario: str | None,
                 overrides: Mapping[str, Any] | None, *, series: bool = True,
                 replaced: bool = False) -> Instance:
    """:func:`instance_from_dict` after the provenance check (``series``: check the values
    by period, :func:`gpnopt.timeseries.resolve_periods`; ``replaced``: its
    ``numbers_replaced``)."""
    data = _apply_scenario(name, raw, scenario, overrides, shallow=replaced)
    name += f" (scenario {scenario})" if scenario else ""
    try:
        # Without periods, a series fault is one of shape (a growth, year keys), never of a
        # number; with them a growth rate is a number that can leave its range.
        periods = resolve_periods(data, series=series or bool(data.get("periods")))
    except ValidationError as exc:
        raise InstanceError(validation_problems(name, exc)) from None
    except InstanceError as exc:
        raise InstanceError([f"{name}: {p}" for p in exc.problems]) from None
    instance = combine([(p, _validated(name, p, warn=n == 0, replaced=replaced))
                        for n, p in enumerate(periods)])
    first, *later = {id(i): i for i in period_instances(instance).values()}.values()
    warn_unreached_markets(first, *later, as_written=not scenario and not overrides)
    for inst in {id(i): i for i in period_instances(instance).values()}.values():
        inst._scenario = scenario or None  # noqa: SLF001 - recorded for results and reports
    return instance


def _validated(name: str, period: PeriodRaw, *, warn: bool,
               replaced: bool = False) -> Instance | list[str]:
    """One period's instance, or its problems (``file: yaml.path: message``, located).

    The instance's money is converted to the model's (:mod:`gpnopt.currency`) after its
    shape is validated and before the meaning checks (``replaced``: the checks that read a
    number only, :func:`gpnopt.checks.check_instance`)."""
    try:
        instance = Instance.model_validate(period.data)
    except ValidationError as exc:
        return validation_problems(name, exc, where=period)
    problems = currency_problems(instance, warn=warn)  # family 24: money in other currencies
    if not problems:
        instance = to_model_money(instance)  # once: converted records state no currency
    problems += check_instance(instance, warn=warn, numbers_replaced=replaced)
    return [f"{name}: {period.line(p)}" for p in problems] or instance


def scenario_names(path: str | Path) -> list[str]:
    """Names of the scenarios defined in an instance file (and its imports).

    Raises:
        InstanceError: the file is unreadable or of the wrong shape.
    """
    return list((read_instance_file(path).get("scenarios") or {}).keys())
