"""Read an instance file safely, apply scenarios and overrides, validate it.

The pipeline is: bytes -> YAML (safe loader, duplicate keys refused) -> raw mapping ->
scenario patches deep-merged -> pydantic shape validation (:mod:`gpnopt.schema`) -> meaning
checks (:mod:`gpnopt.checks`). Every problem found at a stage is collected and raised once
as an :class:`~gpnopt.errors.InstanceError` whose lines read ``file: yaml.path: message``.
"""

from __future__ import annotations

import copy
import datetime
import os
import stat
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from gpnopt.checks import check_instance
from gpnopt.errors import InstanceError, cut, show
from gpnopt.hints import did_you_mean, keys_at
from gpnopt.schema import ID_RULE, MAX_MAGNITUDE, Instance, InstanceFile, Name, Scenario

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
_PATCH_REFUSED = ("imports", "overrides", "scenarios")

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


def format_loc(loc: Iterable[Any]) -> str:
    """Turn a pydantic ``loc`` into a YAML path (``plants.CN_FT.owners``).

    Parts longer than any valid id (64 characters) are cut."""
    parts = [cut(str(p), 70) for p in loc if not (isinstance(p, str) and p.startswith("function-"))]
    return ".".join(parts) if parts else "(top level)"


def _yaml_type_hint(value: Any) -> str | None:
    """Why YAML gave a non-text where text (an id, a name) is expected, and the fix."""
    if isinstance(value, bool):
        word, spelled = ("true", "yes, on or true") if value else ("false", "no, off or false")
        example = "YES" if value else "NO"
        return (
            f"was read by YAML as the boolean {word} (an unquoted {spelled} in any case, "
            f"such as {example}), not as text; write it in quotes, e.g. '{example}'"
        )
    if isinstance(value, int | float):
        return (
            f"was read by YAML as the number {value:g} (unquoted digits, such as 01 or 1.5, "
            "are numbers), not as text; write it in quotes, e.g. '01'"
        )
    if isinstance(value, datetime.date):
        return (
            f"was read by YAML as the date {value.isoformat()}, not as text; write it in "
            f"quotes: '{value.isoformat()}'"
        )
    return None


def _beyond_bound(err: Mapping[str, Any]) -> bool:
    """Whether a pydantic error is :data:`~gpnopt.schema.MAX_MAGNITUDE` being exceeded."""
    ctx = err.get("ctx") or {}
    return (err["type"] == "less_than_equal" and ctx.get("le") == MAX_MAGNITUDE) or (
        err["type"] == "greater_than_equal" and ctx.get("ge") == -MAX_MAGNITUDE
    )


def _problem_line(err: Mapping[str, Any], root: type[BaseModel] | None) -> tuple[str, str]:
    """The YAML path and message of one pydantic error (``root``: the document's model)."""
    loc = tuple(err["loc"])
    key = None
    if len(loc) >= 2 and loc[-1] == "[key]":  # the error is about a mapping key
        key, loc = loc[-2], loc[:-2]
    msg = err["msg"]
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    if err["type"] == "extra_forbidden":
        hint = did_you_mean(loc[-1], keys_at(root, loc[:-1])) if root and loc else ""
        msg = f"unknown key (not part of the schema; check its spelling){hint}"
    elif err["type"] == "string_pattern_mismatch":
        msg = f"String should match pattern (an id is {ID_RULE})"
    elif _beyond_bound(err):
        msg = (
            f"{err['input']:g} is beyond the bound of {MAX_MAGNITUDE:g} for any number of an "
            "instance (check its unit)"
        )
    hint = _yaml_type_hint(err.get("input")) if err["type"] == "string_type" else None
    if hint:
        msg = f"{'a key' if key is not None else 'the value'} {hint}"
    elif key is not None:
        msg = f"key {show(key)}: {msg}"
    return format_loc(loc), msg


def validation_problems(name: str, exc: ValidationError, prefix: str = "") -> list[str]:
    """Lines ``file: path: message`` for every error of a pydantic ``ValidationError``."""
    lines = []
    root = _ROOTS.get(exc.title)
    for err in exc.errors(include_url=False):
        loc, msg = _problem_line(err, root)
        if prefix:
            loc = f"{prefix}.{loc}" if loc != "(top level)" else prefix
        lines.append(f"{name}: {loc}: {msg}")
    return lines


_ROOTS: dict[str, type[BaseModel]] = {"Instance": Instance, "InstanceFile": InstanceFile}
"""Models whose errors get "did you mean" hints for unknown keys, by name."""


def deep_merge(base: dict[str, Any], patch: Mapping[str, Any], where: str = "") -> list[str]:
    """Merge ``patch`` into ``base`` in place; return paths the patch addressed wrongly.

    Mappings merge key by key; any other value replaces. A ``null`` value removes the key;
    removing a key that does not exist is reported (the patch addresses nothing).
    """
    problems = []
    for key, value in patch.items():
        path = f"{where}.{cut(str(key))}" if where else cut(str(key))
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
            if not isinstance(names or [], list) or not all(isinstance(o, str) for o in names or []):
                problems.append(
                    f"{name}: scenarios.{cut(part)}.overrides: must be a list of override names"
                )
                continue
            for o in names or []:
                if o in overrides:
                    patches.append((o, overrides[o]))
                else:
                    problems.append(f"{name}: scenarios.{cut(part)}: unknown override {show(o)}")
        elif part in overrides:
            patches.append((part, overrides[part]))
        else:
            known = sorted(str(k) for k in {*scenarios, *overrides})
            listed = ", ".join(cut(k) for k in known[:20]) + (", ..." if len(known) > 20 else "")
            problems.append(
                f"{name}: scenario {show(part)} is neither a scenario nor an override"
                f"{did_you_mean(part, known)} (known: {listed or 'none'})"
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
                        where = ".".join(cut(p) for p in (path if len(path) <= len(opath) else opath))
                        problems.append(
                            f"{name}: overrides {show(other)} and {show(oname)} clash at {where}"
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
    """Read an instance file with its imported (and extra) scenario files merged in.

    The mapping still holds ``overrides`` and ``scenarios``; no scenario is applied yet.
    ``imports`` must name ``.yaml``/``.yml`` files in the instance's folder or below it,
    unless ``allow_imports_outside``; ``scenario_files`` may lie anywhere.

    Raises:
        InstanceError: the file or a scenario file is unreadable or of the wrong shape, an
            import is refused, or a scenario name is defined twice.
    """
    name = str(path)
    raw = read_yaml(path)
    # Shape of the file as written (catches errors in overrides/scenarios sections too).
    try:
        InstanceFile.model_validate(raw)
    except ValidationError as exc:
        raise InstanceError(validation_problems(name, exc)) from None
    files, problems = _import_paths(
        name, Path(path), raw.pop("imports", None) or [], allow_imports_outside
    )
    if problems:
        raise InstanceError(problems)
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
) -> dict[str, Any]:
    """A copy of ``raw`` with the scenario's patches and ``overrides`` merged in and the
    file-only keys removed."""
    data = copy.deepcopy(dict(raw))
    data.pop("imports", None)
    try:  # the file keys' shape, also for mappings that did not come through a file
        ScenarioFile.model_validate({k: data[k] for k in _FILE_KEYS if k in data})
    except ValidationError as exc:
        raise InstanceError(validation_problems(name, exc)) from None
    problems: list[str] = []
    if scenario:
        patches, problems = _scenario_overrides(name, data, scenario)
        problems += override_clashes(name, patches)
        for oname, patch in patches:
            if not isinstance(patch, Mapping):
                problems.append(f"{name}: overrides.{oname}: must be a mapping")
                continue
            problems += _refused_patch_keys(f"{name}: overrides.{oname}", patch)
            problems += [f"{name}: overrides.{oname}.{p}" for p in deep_merge(data, patch)]
    if overrides:
        problems += _refused_patch_keys(f"{name}: overrides (argument)", overrides)
        problems += [f"{name}: overrides (argument).{p}" for p in deep_merge(data, overrides)]
    if problems:
        raise InstanceError(problems)
    for key in _FILE_KEYS:
        data.pop(key, None)
    return data


def _refused_patch_keys(where: str, patch: Mapping[str, Any]) -> list[str]:
    """Problems of file-only keys (imports, overrides, scenarios) inside a patch."""
    return [
        f"{where}.{key}: an override cannot hold {key} (it patches the instance's sections only)"
        for key in _PATCH_REFUSED
        if key in patch
    ]


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
    """Names of the scenarios defined in an instance file.

    Raises:
        InstanceError: the file is unreadable or of the wrong shape.
    """
    raw = read_yaml(path)
    try:
        InstanceFile.model_validate(raw)
    except ValidationError as exc:
        raise InstanceError(validation_problems(str(path), exc)) from None
    return list((raw.get("scenarios") or {}).keys())
