"""Atomic file writes, and the output folders gpnopt owns (a manifest written last).

* :func:`write_bytes` / :func:`write_text`: a temporary file in the same folder (named
  ``.NAME.XXXXXXXX.gpnopt-tmp``), flushed and renamed into place, so an interrupted run never
  leaves a half-written file. The file gets the mode ``0o666 & ~umask`` (the umask is read
  once, without changing it), like any file a program creates.
* :class:`OutputFolder`: writing a folder of results. It first writes the manifest
  ``.gpnopt-manifest.json`` marked incomplete (listing what will be written), then the files
  (each atomically), then the manifest complete: the tool version, the command, each file
  with its sha256 and size. It removes leftover temporary files of its own pattern and the
  files of an earlier run there that this run does not rewrite (those the earlier complete
  manifest lists, still with its hash and size: gpnopt's own, now stale), and every path it
  writes is checked to stay inside the folder after resolution.
* :func:`inspect_folder`: which entries of a folder gpnopt did not write (not listed in its
  manifest, or changed since), and whether a write there did not finish. Only the folder's
  own entries are read, and the subfolders its manifest names: never a whole tree, so
  ``--out /`` is answered at once.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import shlex
import stat
import sys
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gpnopt.errors import GpnoptError

TEMP_SUFFIX = ".gpnopt-tmp"
"""The suffix of gpnopt's temporary files (``.NAME.XXXXXXXX.gpnopt-tmp``)."""
MANIFEST = ".gpnopt-manifest.json"
"""The manifest gpnopt writes last into each output folder."""
MANIFEST_FORMAT = 1
"""Version of the manifest's layout."""
MAX_MANIFEST_BYTES = 16 * 2**20
"""A larger manifest is not gpnopt's (it is not read)."""
MAX_FOREIGN = 100
""":func:`inspect_folder` stops collecting foreign entries beyond this many."""


class FolderError(GpnoptError):
    """An output folder that cannot be used: files gpnopt did not write, or a path that
    would leave it."""


# --- single files -----------------------------------------------------------------------------


@functools.cache
def umask() -> int:
    """The process's umask, read once (from ``/proc/self/status`` where there is one;
    otherwise set and restored at once)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    old = os.umask(0o022)
    os.umask(old)
    return old


def is_temp_name(name: str) -> bool:
    """Whether ``name`` is one of gpnopt's temporary files (a leftover when no write runs)."""
    return name.startswith(".") and name.endswith(TEMP_SUFFIX)


def write_bytes(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file and a rename.

    The file's mode follows the umask (``0o666 & ~umask``), as for any other new file.
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=TEMP_SUFFIX)
    try:
        os.fchmod(fd, 0o666 & ~umask())
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_text(path: str | Path, text: str) -> Path:
    """Write UTF-8 ``text`` to ``path`` atomically (see :func:`write_bytes`)."""
    return write_bytes(path, text.encode("utf-8"))


def inside(root: str | Path, path: str | Path) -> bool:
    """Whether ``path`` stays inside ``root`` after resolving links and ``..``."""
    real_root = Path(os.path.realpath(root))
    return Path(os.path.realpath(path)).is_relative_to(real_root)


def sha256_of(path: Path) -> str:
    """The sha256 of a file's bytes, in hex."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(2**20), b""):
            h.update(block)
    return h.hexdigest()


# --- the manifest -----------------------------------------------------------------------------


def read_manifest(folder: str | Path) -> dict[str, Any] | None:
    """The manifest of ``folder``, or None (none there, unreadable or not gpnopt's)."""
    path = Path(folder) / MANIFEST
    try:
        st = path.lstat()
        if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_MANIFEST_BYTES:
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    ok = (
        isinstance(data, dict)
        and data.get("tool") == "gpnopt"
        and isinstance(data.get("files"), dict)
        and isinstance(data.get("folders", {}), dict)
        and isinstance(data.get("complete"), bool)
    )
    return data if ok else None


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("gpnopt")
    except PackageNotFoundError:  # pragma: no cover - run from a source tree
        return "unknown"


@dataclass
class FolderState:
    """What :func:`inspect_folder` found.

    Attributes:
        path: the folder.
        foreign: entries gpnopt did not write, or changed since it wrote them (relative
            paths; at most :data:`MAX_FOREIGN`, then ``more`` is set).
        incomplete: folders (relative, ``.`` for the folder itself) whose manifest says a
            write did not finish.
        leftovers: gpnopt's temporary files left by a killed write (removed when writing).
        more: more foreign entries exist than are listed.
    """

    path: Path
    foreign: list[str] = field(default_factory=list)
    incomplete: list[str] = field(default_factory=list)
    leftovers: list[Path] = field(default_factory=list)
    more: bool = False

    def describe(self, shown: int = 5) -> str:
        """The foreign entries for a message: up to ``shown`` names, then how many more."""
        names = self.foreign[:shown]
        rest = len(self.foreign) - len(names)
        text = ", ".join(names)
        if rest > 0 or self.more:
            text += f" and {rest}{'+' if self.more else ''} more"
        return text


def _entry_is_ours(entry: os.DirEntry[str], listed: Any, complete: bool) -> bool:
    """A regular file listed in the manifest (and, if complete, with its hash and size)."""
    if not entry.is_file(follow_symlinks=False):
        return False
    if not complete or listed is None:
        return True
    if not isinstance(listed, dict):
        return False
    try:
        size = entry.stat(follow_symlinks=False).st_size
        if size != listed.get("size"):
            return False
        return sha256_of(Path(entry.path)) == listed.get("sha256")
    except OSError:
        return False


def inspect_folder(folder: str | Path, *, depth: int = 2) -> FolderState:
    """Which entries of ``folder`` gpnopt did not write, and whether a write did not finish.

    A non-hidden entry is gpnopt's when the folder's manifest lists it: a file with the
    same sha256 and size (any listed file if the manifest is incomplete), a subfolder
    with its own manifest (looked at ``depth`` levels down) or whose file names match the
    pattern the manifest gives for it. Hidden entries are left alone, except gpnopt's
    temporary files (``leftovers``). Nothing outside the folder and its listed subfolders
    is read.
    """
    state = FolderState(Path(folder))
    _inspect(Path(folder), "", depth, state)
    return state


def _inspect(folder: Path, prefix: str, depth: int, state: FolderState,
             pattern: str | None = None) -> None:
    try:
        st = folder.lstat()
    except OSError:
        # nothing there yet, or a path that cannot be read (through a looping link): the
        # write itself reports it if it cannot make the folder
        return
    if not stat.S_ISDIR(st.st_mode):
        state.foreign.append(prefix.rstrip("/") or str(folder))
        return
    manifest = None if pattern is not None else read_manifest(folder)
    files = manifest["files"] if manifest else {}
    folders = manifest.get("folders", {}) if manifest else {}
    complete = bool(manifest and manifest["complete"])
    if manifest and not complete:
        state.incomplete.append(prefix.rstrip("/") or ".")
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        state.foreign.append(prefix.rstrip("/") or str(folder))
        return
    for e in entries:
        if e.name.startswith("."):
            if is_temp_name(e.name) and e.is_file(follow_symlinks=False):
                state.leftovers.append(Path(e.path))
            continue
        if pattern is not None:
            ours = e.is_file(follow_symlinks=False) and re.fullmatch(pattern, e.name) is not None
        elif e.name in folders and e.is_dir(follow_symlinks=False) and depth > 0:
            _inspect(Path(e.path), f"{prefix}{e.name}/", depth - 1, state, folders[e.name])
            continue
        elif e.name not in files and _is_own_output(e):
            continue  # another gpnopt run's complete output folder inside: left as it is
        else:
            ours = e.name in files and _entry_is_ours(e, files[e.name], complete)
        if not ours:
            if len(state.foreign) >= MAX_FOREIGN:
                state.more = True
                return
            state.foreign.append(prefix + e.name + ("/" if _is_dir(e) else ""))


def _is_own_output(entry: os.DirEntry[str]) -> bool:
    """Whether ``entry`` is a folder (not a link) holding a complete gpnopt manifest: the
    output of another gpnopt command (``solve --plots out/x/plots`` inside ``out/x``)."""
    if not entry.is_dir(follow_symlinks=False):
        return False
    manifest = read_manifest(Path(entry.path))
    return bool(manifest and manifest["complete"])


def _is_dir(entry: os.DirEntry[str]) -> bool:
    """Whether ``entry`` is a folder or a link to one (False for a broken or looping link)."""
    try:
        return entry.is_dir()
    except OSError:
        return False


# --- writing a folder -------------------------------------------------------------------------


class OutputFolder:
    """A folder of results written with a manifest: incomplete first, complete last.

    Usage::

        with OutputFolder(out, files=["summary.json", "lines.csv"]) as folder:
            folder.write("summary.json", text)
            folder.write("lines.csv", text)

    On entering, leftover temporary files are removed and the manifest is written marked
    incomplete, listing the planned files and subfolders; each :meth:`write` is atomic; on a
    normal exit the manifest is written complete with each file's sha256 and size, listing
    only the files this run wrote. Files of an earlier run that an earlier complete manifest
    lists, still with its sha256 and size, and that this run does not write are removed
    (those not planned on entering, those planned but not written on a normal exit); no
    other file is removed. Subfolders an earlier manifest lists stay listed. No check for
    foreign files is made here (see :func:`inspect_folder`).

    Args:
        path: the folder (created if missing).
        files: names of the files that will be written (plain names, no folders).
        folders: subfolders that will be written: name -> None (it gets its own manifest)
            or a regular expression its files' names match.
        command: what wrote the folder (default: the command line of this process).

    Raises:
        FolderError: a name is not a plain file name, or would leave the folder.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        files: Iterable[str],
        folders: Mapping[str, str | None] | None = None,
        command: str | None = None,
    ) -> None:
        self.path = Path(path)
        self.files = list(dict.fromkeys(files))
        self.folders = dict(folders or {})
        self.command = shlex.join(sys.argv) if command is None else command
        self.written: dict[str, dict[str, Any]] = {}
        self.earlier: dict[str, dict[str, Any]] = {}
        """Planned files an earlier complete manifest lists, unchanged (removed by
        :meth:`finish` if this run does not write them)."""
        for name in [*self.files, *self.folders]:
            self._check_name(name)

    def _check_name(self, name: str) -> Path:
        bad = (
            not name
            or name in (".", "..")
            or "/" in name
            or "\\" in name
            or "\0" in name
            or name.startswith(".")
        )
        target = self.path / name
        if bad or not inside(self.path, target):
            msg = (
                f"{self.path}: refusing to write {name!r}: every file gpnopt writes must stay "
                "inside the output folder"
            )
            raise FolderError(msg)
        return target

    def _manifest(self, complete: bool) -> dict[str, Any]:
        files: dict[str, Any] = (
            dict(self.written) if complete else {n: None for n in self.files}
        )
        return {
            "tool": "gpnopt",
            "format": MANIFEST_FORMAT,
            "version": _version(),
            "command": self.command,
            "complete": complete,
            "files": dict(sorted(files.items())),
            "folders": dict(sorted(self.folders.items())),
        }

    def begin(self) -> OutputFolder:
        """Create the folder, remove leftovers, write the manifest marked incomplete."""
        self.path.mkdir(parents=True, exist_ok=True)
        state = inspect_folder(self.path, depth=0)
        for p in state.leftovers:
            p.unlink(missing_ok=True)
        old = read_manifest(self.path)
        stale: list[Path] = []
        if old and old["complete"]:
            for name, entry in old["files"].items():
                if self._unchanged(name, entry):
                    if name in self.files:
                        self.earlier[name] = entry
                    else:
                        stale.append(self.path / name)
            for name, pattern in old.get("folders", {}).items():
                if name not in self.folders and (self.path / name).is_dir():
                    self.folders[name] = pattern
        for path in stale:  # before the new manifest, which no longer lists them
            path.unlink(missing_ok=True)
        write_text(self.path / MANIFEST, json.dumps(self._manifest(False), indent=2) + "\n")
        return self

    def _unchanged(self, name: Any, entry: Any) -> bool:
        """Whether ``name`` (from an earlier manifest) is a plain file name in the folder,
        a regular file with the entry's sha256 and size."""
        if not isinstance(name, str) or not isinstance(entry, dict):
            return False
        try:
            self._check_name(name)
        except FolderError:
            return False
        path = self.path / name
        try:
            st = path.lstat()
            return (
                stat.S_ISREG(st.st_mode)
                and st.st_size == entry.get("size")
                and sha256_of(path) == entry.get("sha256")
            )
        except OSError:
            return False

    def write(self, name: str, data: bytes | str) -> Path:
        """Write one planned file atomically and note its hash and size."""
        if name not in self.files:
            msg = f"{self.path}: {name!r} is not among the files planned for this folder"
            raise FolderError(msg)
        target = self._check_name(name)
        raw = data.encode("utf-8") if isinstance(data, str) else data
        write_bytes(target, raw)
        self.written[name] = {"sha256": hashlib.sha256(raw).hexdigest(), "size": len(raw)}
        return target

    def folder(self, name: str) -> Path:
        """A planned subfolder's path, created and checked to stay inside."""
        if name not in self.folders:
            msg = f"{self.path}: {name!r} is not among the folders planned for this folder"
            raise FolderError(msg)
        target = self._check_name(name)
        try:
            target.mkdir(exist_ok=True)
        except FileExistsError:
            msg = (
                f"{self.path}: cannot write into {name!r}: it is there and is not a folder "
                "(a file, or a broken or looping link)"
            )
            raise FolderError(msg) from None
        if not inside(self.path, target):
            msg = f"{self.path}: refusing to write into {name!r}: it leads outside the folder"
            raise FolderError(msg)
        return target

    def finish(self) -> None:
        """Remove the earlier run's planned files this run did not write (still unchanged),
        then write the manifest marked complete (the files written, with hashes)."""
        for name, entry in self.earlier.items():
            if name not in self.written and self._unchanged(name, entry):
                (self.path / name).unlink(missing_ok=True)
        write_text(self.path / MANIFEST, json.dumps(self._manifest(True), indent=2) + "\n")

    def __enter__(self) -> OutputFolder:
        return self.begin()

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None:
            self.finish()
