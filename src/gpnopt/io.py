"""Read an instance file safely, apply scenarios and overrides, validate it.

The pipeline is: bytes -> YAML (safe loader, duplicate keys refused) -> raw mapping ->
scenario patches deep-merged -> pydantic shape validation (:mod:`gpnopt.schema`) -> meaning
checks (:mod:`gpnopt.checks`). Every problem found at a stage is collected and raised once
as an :class:`~gpnopt.errors.InstanceError` whose lines read ``file: yaml.path: message``.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from gpnopt.checks import check_instance
from gpnopt.errors import InstanceError
from gpnopt.schema import Instance, InstanceFile

MAX_FILE_BYTES = 20 * 1024 * 1024
"""Largest instance file read (bytes)."""

MAX_ALIASES = 1000
"""Most YAML alias uses in one file (guards against alias-expansion bombs)."""

MAX_NODES = 2_000_000
"""Most values in the document once aliases are expanded (alias-expansion bombs)."""

_FILE_KEYS = ("overrides", "scenarios")


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe loader that refuses duplicate keys and too many aliases."""

    alias_count = 0

    def compose_node(self, parent: Any, index: Any) -> Any:  # noqa: D102
        if self.check_event(yaml.AliasEvent):
            self.alias_count += 1
            if self.alias_count > MAX_ALIASES:
                msg = f"more than {MAX_ALIASES} aliases (anchors used with *)"
                raise yaml.YAMLError(msg)
        return super().compose_node(parent, index)

    def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:  # noqa: D102, FBT001, FBT002
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                mark = key_node.start_mark
                msg = f"duplicate key {key!r} (line {mark.line + 1})"
                raise yaml.YAMLError(msg)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def read_yaml(path: str | Path) -> dict[str, Any]:
    """Read a YAML mapping from ``path`` safely.

    Raises:
        InstanceError: the file is missing, too large, not UTF-8, not valid YAML, or not a
            mapping at the top.
    """
    path = Path(path)
    name = str(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        msg = f"{name}: cannot read the file: {exc.strerror or exc}"
        raise InstanceError(msg) from None
    if size > MAX_FILE_BYTES:
        msg = f"{name}: file is {size} bytes, larger than the limit of {MAX_FILE_BYTES}"
        raise InstanceError(msg)
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        msg = f"{name}: not UTF-8 text (byte {exc.start}: {exc.reason})"
        raise InstanceError(msg) from None
    except OSError as exc:
        msg = f"{name}: cannot read the file: {exc.strerror or exc}"
        raise InstanceError(msg) from None
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 (a SafeLoader subclass)
    except yaml.YAMLError as exc:
        detail = " ".join(str(exc).split())
        msg = f"{name}: invalid YAML: {detail}"
        raise InstanceError(msg) from None
    except RecursionError:
        msg = f"{name}: invalid YAML: nested too deeply"
        raise InstanceError(msg) from None
    size = _expanded_size(data)
    if size > MAX_NODES:
        msg = (
            f"{name}: the document expands to more than {MAX_NODES} values through its "
            "aliases (anchors used with *); write the values out"
        )
        raise InstanceError(msg)
    if data is None:
        msg = f"{name}: the file is empty; an instance is a YAML mapping"
        raise InstanceError(msg)
    if not isinstance(data, dict):
        msg = f"{name}: the top level must be a mapping of sections, not a {type(data).__name__}"
        raise InstanceError(msg)
    return data


def _expanded_size(data: Any) -> int:
    """Number of values in ``data`` with shared (aliased) parts counted at every use."""
    memo: dict[int, int] = {}

    def size(x: Any) -> int:
        if isinstance(x, dict | list):
            key = id(x)
            if key not in memo:
                memo[key] = 0  # a self-referencing alias counts once
                items = x.values() if isinstance(x, dict) else x
                memo[key] = 1 + sum(size(v) for v in items)
            return memo[key]
        return 1

    try:
        return size(data)
    except RecursionError:
        return MAX_NODES + 1


def format_loc(loc: Iterable[Any]) -> str:
    """Turn a pydantic ``loc`` into a YAML path (``plants.CN_FT.owners``)."""
    parts = [str(p) for p in loc if not (isinstance(p, str) and p.startswith("function-"))]
    return ".".join(parts) if parts else "(top level)"


def validation_problems(name: str, exc: ValidationError, prefix: str = "") -> list[str]:
    """Lines ``file: path: message`` for every error of a pydantic ``ValidationError``."""
    lines = []
    for err in exc.errors(include_url=False):
        loc = format_loc(err["loc"])
        if prefix:
            loc = f"{prefix}.{loc}" if loc != "(top level)" else prefix
        msg = err["msg"]
        if msg.startswith("Value error, "):
            msg = msg[len("Value error, ") :]
        if err["type"] == "extra_forbidden":
            msg = "unknown key (not part of the schema; check its spelling)"
        lines.append(f"{name}: {loc}: {msg}")
    return lines


def deep_merge(base: dict[str, Any], patch: Mapping[str, Any], where: str = "") -> list[str]:
    """Merge ``patch`` into ``base`` in place; return paths the patch addressed wrongly.

    Mappings merge key by key; any other value replaces. A ``null`` value removes the key;
    removing a key that does not exist is reported (the patch addresses nothing).
    """
    problems = []
    for key, value in patch.items():
        path = f"{where}.{key}" if where else str(key)
        if value is None:
            if key in base:
                del base[key]
            else:
                problems.append(f"{path}: removes nothing (no such key)")
        elif isinstance(value, Mapping) and isinstance(base.get(key), dict):
            problems += deep_merge(base[key], value, path)
        else:
            base[key] = copy.deepcopy(value)
    return problems


def _scenario_overrides(
    name: str, raw: dict[str, Any], scenario: str
) -> tuple[list[tuple[str, Mapping[str, Any]]], list[str]]:
    """The (override name, patch) pairs a comma-separated scenario string selects."""
    overrides = raw.get("overrides") or {}
    scenarios = raw.get("scenarios") or {}
    patches: list[tuple[str, Mapping[str, Any]]] = []
    problems: list[str] = []
    for part in [s.strip() for s in scenario.split(",") if s.strip()]:
        if part == "base":
            continue
        if part in scenarios:
            spec = scenarios[part]
            names = spec.get("overrides", []) if isinstance(spec, dict) else spec
            for o in names or []:
                if o in overrides:
                    patches.append((o, overrides[o]))
                else:
                    problems.append(f"{name}: scenarios.{part}: unknown override {o!r}")
        elif part in overrides:
            patches.append((part, overrides[part]))
        else:
            known = sorted({*scenarios, *overrides})
            problems.append(
                f"{name}: scenario {part!r} is neither a scenario nor an override "
                f"(known: {', '.join(known) or 'none'})"
            )
    return patches, problems


def _leaves(patch: Mapping[str, Any], where: tuple[str, ...] = ()) -> dict[tuple[str, ...], Any]:
    """Every leaf path of a patch with its value (a mapping value is not a leaf)."""
    out: dict[tuple[str, ...], Any] = {}
    for key, value in patch.items():
        path = (*where, str(key))
        if isinstance(value, Mapping) and value:
            out.update(_leaves(value, path))
        else:
            out[path] = value
    return out


def override_clashes(name: str, patches: list[tuple[str, Mapping[str, Any]]]) -> list[str]:
    """Pairs of selected overrides that set the same key to different values, or where one
    replaces or removes what the other sets inside."""
    problems = []
    seen: list[tuple[str, dict[tuple[str, ...], Any]]] = []
    for oname, patch in patches:
        leaves = _leaves(patch) if isinstance(patch, Mapping) else {}
        for other, other_leaves in seen:
            if other == oname:
                continue
            for path, value in leaves.items():
                for opath, ovalue in other_leaves.items():
                    n = min(len(path), len(opath))
                    if path[:n] != opath[:n]:
                        continue
                    if (len(path) == len(opath) and value != ovalue) or len(path) != len(opath):
                        where = ".".join(path if len(path) <= len(opath) else opath)
                        problems.append(
                            f"{name}: overrides {other!r} and {oname!r} clash at {where}"
                        )
                        break
                else:
                    continue
                break
        seen.append((oname, leaves))
    return problems


class ScenarioFile(BaseModel):
    """A file of overrides and scenarios kept beside an instance."""

    model_config = ConfigDict(extra="forbid")
    overrides: dict[str, dict[str, Any]] = {}
    scenarios: dict[str, list[str] | dict[str, Any]] = {}


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


def read_instance_file(path: str | Path, scenario_files: Sequence[str | Path] = ()) -> dict[str, Any]:
    """Read an instance file with its imported (and extra) scenario files merged in.

    The mapping still holds ``overrides`` and ``scenarios``; no scenario is applied yet.

    Raises:
        InstanceError: the file or a scenario file is unreadable or of the wrong shape, or a
            scenario name is defined twice.
    """
    name = str(path)
    raw = read_yaml(path)
    # Shape of the file as written (catches errors in overrides/scenarios sections too).
    try:
        InstanceFile.model_validate(raw)
    except ValidationError as exc:
        raise InstanceError(validation_problems(name, exc)) from None
    files = [Path(path).parent / f for f in raw.pop("imports", None) or []]
    files += [Path(f) for f in scenario_files]
    if files:
        problems = _merge_scenario_files(name, raw, files)
        if problems:
            raise InstanceError(problems)
    return raw


def load(
    path: str | Path,
    scenario: str | None = None,
    overrides: Mapping[str, Any] | None = None,
    scenario_files: Sequence[str | Path] = (),
) -> Instance:
    """Load, patch and validate an instance file.

    Args:
        path: the YAML instance file.
        scenario: a scenario or override name, or several joined by commas; ``base`` or
            ``None`` for the instance as written.
        overrides: an extra deep-merge patch applied last (Python callers).
        scenario_files: YAML files with more ``overrides`` and ``scenarios`` (in addition to
            those the instance lists under ``imports``, relative to the instance file).

    Returns:
        The validated :class:`~gpnopt.schema.Instance`.

    Raises:
        InstanceError: with every problem found, each naming the file and the YAML path.
    """
    raw = read_instance_file(path, scenario_files)
    return instance_from_dict(raw, name=str(path), scenario=scenario, overrides=overrides)


def resolve_raw(
    path: str | Path,
    scenario: str | None = None,
    overrides: Mapping[str, Any] | None = None,
    scenario_files: Sequence[str | Path] = (),
) -> dict[str, Any]:
    """The instance mapping of a file with its scenario and overrides applied.

    This is what :func:`load` validates, as plain data (for sweeps that perturb numbers
    before validating). The scenario is checked as :func:`load` checks it.

    Raises:
        InstanceError: as :func:`load`.
    """
    name = str(path)
    data = _apply_scenario(name, read_instance_file(path, scenario_files), scenario, overrides)
    load(path, scenario=scenario, overrides=overrides, scenario_files=scenario_files)
    return data


def _apply_scenario(
    name: str,
    raw: Mapping[str, Any],
    scenario: str | None,
    overrides: Mapping[str, Any] | None,
) -> dict[str, Any]:
    """A copy of ``raw`` with the scenario's patches and ``overrides`` merged in and the
    file-only keys removed."""
    data = copy.deepcopy(dict(raw))
    data.pop("imports", None)
    problems: list[str] = []
    if scenario:
        patches, problems = _scenario_overrides(name, data, scenario)
        problems += override_clashes(name, patches)
        for oname, patch in patches:
            if not isinstance(patch, Mapping):
                problems.append(f"{name}: overrides.{oname}: must be a mapping")
                continue
            problems += [f"{name}: overrides.{oname}.{p}" for p in deep_merge(data, patch)]
    if overrides:
        problems += [f"{name}: overrides (argument).{p}" for p in deep_merge(data, overrides)]
    if problems:
        raise InstanceError(problems)
    for key in _FILE_KEYS:
        data.pop(key, None)
    return data


def instance_from_dict(
    raw: Mapping[str, Any],
    name: str = "<dict>",
    scenario: str | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Instance:
    """Validate an instance given as a Python mapping (as read from YAML).

    Args:
        raw: the instance mapping, possibly with ``overrides`` and ``scenarios``.
        name: the name used in messages (the file name).
        scenario: as in :func:`load`.
        overrides: as in :func:`load`.
    """
    data = _apply_scenario(name, raw, scenario, overrides)
    label = f" (scenario {scenario})" if scenario else ""
    try:
        instance = Instance.model_validate(data)
    except ValidationError as exc:
        raise InstanceError(validation_problems(name + label, exc)) from None
    problems = check_instance(instance)
    if problems:
        raise InstanceError([f"{name}{label}: {p}" for p in problems])
    instance._scenario = scenario or None  # noqa: SLF001 - recorded for results and reports
    return instance


def scenario_names(path: str | Path) -> list[str]:
    """Names of the scenarios defined in an instance file."""
    raw = read_yaml(path)
    return list((raw.get("scenarios") or {}).keys())
