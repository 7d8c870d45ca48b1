"""Read an instance file safely, apply scenarios and overrides, validate it.

The pipeline is: bytes -> YAML (safe loader, duplicate keys refused) -> raw mapping (merged
onto its base instance, with its imported scenario files) -> scenario patches deep-merged
(:mod:`gpnopt.patches`) -> one raw instance per period (:mod:`gpnopt.timeseries`) -> pydantic
shape validation (:mod:`gpnopt.schema`) -> meaning checks (:mod:`gpnopt.checks`). Every
problem found at a stage is collected and raised once as an
:class:`~gpnopt.errors.InstanceError` whose lines read ``file: yaml.path: message``.
"""

from __future__ import annotations

import copy
import os
import stat
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from gpnopt.checks import check_instance
from gpnopt.checks.provenance import check_provenance
from gpnopt.checks.traps import warn_unreached_markets
from gpnopt.currency import currency_problems, to_model_money
from gpnopt.errors import GpnoptWarning, InstanceError, cut, show
from gpnopt.patches import (
    deep_merge,
    override_clashes,
    patch_adds,
    refused_patch_keys,
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

__all__ = [
    "deep_merge", "instance_from_dict", "load", "override_clashes", "read_instance_file",
    "read_yaml", "resolve_raw", "scenario_names", "validation_problems",
]

MAX_FILE_BYTES = 20 * 1024 * 1024
"""Largest instance file read (bytes)."""

MAX_ALIASES = 1000
"""Most YAML alias uses in one file (guards against alias-expansion bombs)."""

MAX_NODES = 2_000_000
"""Most values (keys, items and scalars) in a document, as written and once aliases are
expanded (alias-expansion bombs)."""

MAX_DEPTH = 100
"""Deepest nesting of mappings and lists in a document."""

_FILE_KEYS = ("overrides", "scenarios")

_FastLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's C loader where PyYAML was built with it, else the pure-Python one."""

_FILE_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


class _UniqueKeyLoader(_FastLoader):  # type: ignore[misc, valid-type]
    """A safe loader that refuses duplicate keys and keys that are lists or mappings."""

    def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:  # noqa: D102, FBT001, FBT002
        seen: set[tuple[type, Any]] = set()
        for key_node, _ in node.value:
            mark = key_node.start_mark
            if not isinstance(key_node, yaml.ScalarNode):
                kind = "list" if isinstance(key_node, yaml.SequenceNode) else "mapping"
                msg = (
                    f"a key is a {kind} (line {mark.line + 1}); keys must be plain "
                    "names (a stray '?' or '[' before a key makes it one)"
                )
                raise yaml.YAMLError(msg)
            key = self.construct_object(key_node, deep=deep)
            if (type(key), key) in seen:
                msg = f"duplicate key {show(key)} (line {mark.line + 1})"
                raise yaml.YAMLError(msg)
            seen.add((type(key), key))
        return super().construct_mapping(node, deep=deep)


def _kind_of(mode: int) -> str | None:
    """What a non-regular file is (``None`` for a regular file)."""
    if stat.S_ISREG(mode):
        return None
    return next((word for test, word in _FILE_KINDS if test(mode)), "not a file")


def _read_bytes(path: Path, name: str) -> bytes:
    """The bytes of a regular file, read at most to the size limit (plus one byte)."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)  # non-blocking: opening a FIFO does not wait for a writer
    except OSError as exc:
        msg = f"{name}: cannot read the file: {exc.strerror or exc}"
        raise InstanceError(msg) from None
    try:
        info = os.fstat(fd)
        kind = _kind_of(info.st_mode)
        if kind is not None:
            msg = f"{name}: not a regular file ({kind}); give a YAML file"
            raise InstanceError(msg)
        if info.st_size > MAX_FILE_BYTES:
            msg = f"{name}: file is {info.st_size} bytes, larger than the limit of {MAX_FILE_BYTES}"
            raise InstanceError(msg)
        chunks, left = [], MAX_FILE_BYTES + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
    except OSError as exc:
        msg = f"{name}: cannot read the file: {exc.strerror or exc}"
        raise InstanceError(msg) from None
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > MAX_FILE_BYTES:
        msg = f"{name}: file is larger than the limit of {MAX_FILE_BYTES} bytes"
        raise InstanceError(msg)
    return data


def _yaml_problem(text: str, exc: yaml.YAMLError) -> str:
    """A YAML error in words, with its line and column but without the source line."""
    if not isinstance(exc, yaml.MarkedYAMLError):
        return cut(" ".join(str(exc).split()), 200)
    parts = [p for p in (exc.context, exc.problem) if p]
    detail = cut("; ".join(" ".join(p.split()) for p in parts), 200)
    mark = exc.problem_mark or exc.context_mark
    if mark is None:
        return detail
    where = f" (line {mark.line + 1}, column {mark.column + 1})"
    lines = text.splitlines()
    if mark.line < len(lines) and "\t" in lines[mark.line][: mark.column + 1]:
        where += "; the line holds a tab: YAML indents with spaces only"
    return detail + where


def _check_events(text: str) -> None:
    """Count values, aliases and nesting while streaming the parse (nothing is built).

    Raises:
        InstanceError: (without the file name) a limit is passed.
    """
    values = aliases = depth = 0
    for event in yaml.parse(text, Loader=_FastLoader):
        if isinstance(event, yaml.ScalarEvent):
            values += 1
        elif isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            values += 1
            depth += 1
            if depth > MAX_DEPTH:
                msg = f"nested too deeply (more than {MAX_DEPTH} levels of mappings and lists)"
                raise InstanceError(msg)
        elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            depth -= 1
        elif isinstance(event, yaml.AliasEvent):
            aliases += 1
            if aliases > MAX_ALIASES:
                msg = f"invalid YAML: more than {MAX_ALIASES} aliases (anchors used with *)"
                raise InstanceError(msg)
        if values > MAX_NODES:
            msg = (
                f"the document has more than {MAX_NODES} values (keys, items and numbers), "
                "more than an instance may hold"
            )
            raise InstanceError(msg)


def _expanded_size(root: yaml.Node) -> int:
    """Number of values under ``root`` with aliased nodes counted at every use.

    Linear in the number of distinct nodes (each is sized once); an alias to an enclosing
    anchor (a loop) counts as too large.
    """
    memo: dict[int, int] = {}

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key in memo:
            if memo[key] < 0:  # still being sized: the alias points at its own ancestor
                raise RecursionError
            return memo[key]
        if isinstance(node, yaml.MappingNode):
            memo[key] = -1
            total = 1 + sum(size(k) + size(v) for k, v in node.value)
        elif isinstance(node, yaml.SequenceNode):
            memo[key] = -1
            total = 1 + sum(size(v) for v in node.value)
        else:
            total = 1
        memo[key] = min(total, MAX_NODES + 1)
        return memo[key]

    try:
        return size(root)
    except RecursionError:
        return MAX_NODES + 1


def _parse(text: str) -> Any:
    """The document of ``text`` (limits checked before anything is built)."""
    _check_events(text)
    loader = _UniqueKeyLoader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return None
        if _expanded_size(root) > MAX_NODES:
            msg = (
                f"the document expands to more than {MAX_NODES} values through its "
                "aliases (anchors used with *); write the values out"
            )
            raise InstanceError(msg)
        return loader.construct_document(root)
    finally:
        loader.dispose()


def read_yaml(path: str | Path) -> dict[str, Any]:
    """Read a YAML mapping from ``path`` safely.

    Only regular files are read (no pipes, devices or directories), at most
    :data:`MAX_FILE_BYTES`; the document may hold at most :data:`MAX_NODES` values (also once
    aliases are expanded), :data:`MAX_ALIASES` aliases and :data:`MAX_DEPTH` levels.

    Raises:
        InstanceError: the file is missing, not a regular file, too large, not UTF-8, not
            valid YAML, or not a mapping at the top.
    """
    path = Path(path)
    name = str(path)
    try:
        text = _read_bytes(path, name).decode("utf-8")
    except UnicodeDecodeError as exc:
        msg = f"{name}: not UTF-8 text (byte {exc.start}: {exc.reason})"
        raise InstanceError(msg) from None
    try:
        data = _parse(text)
    except InstanceError as exc:
        raise InstanceError([f"{name}: {p}" for p in exc.problems]) from None
    except yaml.YAMLError as exc:
        msg = f"{name}: invalid YAML: {_yaml_problem(text, exc)}"
        raise InstanceError(msg) from None
    except RecursionError:
        msg = f"{name}: invalid YAML: nested too deeply"
        raise InstanceError(msg) from None
    if data is None:
        msg = f"{name}: the file is empty; an instance is a YAML mapping"
        raise InstanceError(msg)
    if not isinstance(data, dict):
        msg = f"{name}: the top level must be a mapping of sections, not a {type(data).__name__}"
        raise InstanceError(msg)
    return data


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
    name: str, raw: dict[str, Any], files: list[Path]
) -> list[str]:
    """Add the overrides and scenarios of ``files`` to ``raw`` in place; return problems."""
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
        for key in _FILE_KEYS:
            for n, spec in (extra.get(key) or {}).items():
                if n in origin:
                    problems.append(
                        f"{f}: {key}.{n}: the name is already defined in {origin[n]}"
                    )
                    continue
                origin[n] = str(f)
                raw[key][n] = spec
    return problems


def _import_paths(
    name: str, path: Path, imports: Sequence[str], allow_outside: bool  # noqa: FBT001
) -> tuple[list[Path], list[str]]:
    """The files an instance's ``imports`` names, and the problems of the entries refused.

    An import must be a ``.yaml`` or ``.yml`` file in the instance's folder or below it
    (symbolic links resolved), unless ``allow_outside``.
    """
    folder = path.parent.resolve()
    files: list[Path] = []
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
        else:
            files.append(target)
    return files, problems


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
    raw = _read_file(Path(path), allow_imports_outside, ())
    if scenario_files:
        problems = _merge_scenario_files(str(path), raw, [Path(f) for f in scenario_files])
        if problems:
            raise InstanceError(problems)
    return raw


def _read_file(path: Path, allow_outside: bool, chain: tuple[Path, ...]) -> dict[str, Any]:  # noqa: FBT001
    """:func:`read_instance_file` without the extra scenario files (``chain``: the files
    that import this one, for loops)."""
    name = str(path)
    raw = read_yaml(path)
    entries = raw.get("imports")
    fine = isinstance(entries, list) and all(isinstance(e, str) for e in entries)
    files, problems = _import_paths(name, path, entries if fine else [], allow_outside)
    bases = [f for f in files if _is_instance(f)]
    written = {k: v for k, v in raw.items() if k not in ("imports", *_FILE_KEYS)}
    try:  # the shape as written: the whole file, unless values are resolved later
        if bases or raw.get("periods") or series_problems(written):
            _FileKeys.model_validate({k: raw[k] for k in ("imports", *_FILE_KEYS) if k in raw})
        else:
            InstanceFile.model_validate(raw)
    except ValidationError as exc:
        raise InstanceError(validation_problems(name, exc, raw=raw)) from None
    problems += [f"{name}: {k}.{n}: null removes an inherited name, but the file has no base "
                 "(an instance in imports)" for k in (() if bases else _FILE_KEYS)
                 for n, v in (raw.get(k) or {}).items() if v is None]
    if len(bases) > 1:
        problems.append(f"{name}: imports: {', '.join(map(str, bases))} are all instances; "
                        "a file is built on at most one base instance")
    loop = [b for b in bases if b.resolve() in (path.resolve(), *chain)]
    problems += [f"{name}: imports: {b} imports this file again (a loop)" for b in loop]
    if problems:
        raise InstanceError(problems)
    raw.pop("imports", None)
    if bases:
        raw = _onto_base(name, raw, bases[0], allow_outside, (*chain, path.resolve()))
    others = [f for f in files if f not in bases]
    problems = _merge_scenario_files(name, raw, others) if others else []
    if problems:
        raise InstanceError(problems)
    return raw


def _is_instance(path: Path) -> bool:
    """Whether an imported file is an instance (a base), not only overrides and scenarios."""
    try:
        data = read_yaml(path)
    except InstanceError:
        return False  # reported when it is read as a scenario file
    return any(k in Instance.model_fields for k in data)


def _onto_base(
    name: str, raw: dict[str, Any], base: Path, allow_outside: bool, chain: tuple[Path, ...]  # noqa: FBT001
) -> dict[str, Any]:
    """The file ``raw`` deep-merged onto its base instance (validated on its own first)."""
    merged = _read_file(base, allow_outside, chain)
    instance_from_dict(merged, name=str(base))
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
    raw = read_instance_file(path, scenario_files, allow_imports_outside=allow_imports_outside)
    return instance_from_dict(raw, name=str(path), scenario=scenario, overrides=overrides)


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
    problems: list[str] = []
    if scenario:
        patches, problems = scenario_overrides(name, data, scenario)
        problems += override_clashes(name, patches)
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
