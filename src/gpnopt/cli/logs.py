"""Where the messages of a command go: ``-v/--verbose``, ``-q/--quiet`` and ``--log-file``.

The library speaks through :mod:`logging` only (the ``gpnopt`` loggers; the solver's log is
the ``gpnopt.highs`` logger, see :mod:`gpnopt.solver.highs`). :func:`setup_logging` is
called first by every command and routes those records:

* by default, warnings and errors to standard error (``warning: ...``);
* with ``--verbose``, also the information messages and HiGHS's progress lines (incumbent,
  bound, gap, time);
* with ``--quiet``, errors only (no warnings, progress bars or solver log);
* with ``--log-file FILE``, every record at information level and above, the solver's log
  included, into FILE (appended, with times), whatever the console shows.

Only the standard library, typer and rich are imported here.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer

from gpnopt.cli.common import EXIT_INVALID, err

LIBRARY_LOGGER = "gpnopt"
"""The logger every module of gpnopt logs under."""

_installed: list[logging.Handler] = []
_state = {"quiet": False, "verbose": False}


class ConsoleHandler(logging.Handler):
    """Records on :data:`gpnopt.cli.common.err`: warnings labelled, the rest as they are."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = self.format(record)
        except Exception:  # noqa: BLE001 - a broken record must not end the command
            self.handleError(record)
            return
        if record.levelno >= logging.ERROR:
            err.print("[bold red]error:[/] ", end="")
        elif record.levelno >= logging.WARNING:
            err.print("[yellow]warning:[/] ", end="")
        err.print(text, markup=False, highlight=False)


def setup_logging(*, verbose: bool = False, quiet: bool = False, log_file: Path | None = None) -> None:
    """Route the ``gpnopt`` loggers for one command (replacing an earlier command's set-up).

    Args:
        verbose: show information messages and the solver's log on standard error.
        quiet: show errors only (wins over ``verbose`` on the console).
        log_file: also append every record of information level and above to this file.

    Raises:
        typer.Exit: code 1, when the log file cannot be opened.
    """
    logger = logging.getLogger(LIBRARY_LOGGER)
    reset_logging()
    _state.update(quiet=quiet, verbose=verbose and not quiet)
    console = ConsoleHandler()
    console.setLevel(logging.ERROR if quiet else logging.INFO if verbose else logging.WARNING)
    handlers: list[logging.Handler] = [console]
    if log_file is not None:
        if log_file.exists() and not log_file.is_file():  # a folder, a FIFO, a device
            err.print(f"[bold red]error:[/] --log-file {log_file}: not a regular file; give a "
                      "file to append to")
            raise typer.Exit(EXIT_INVALID)
        try:
            file_handler = logging.FileHandler(log_file, mode="a", encoding="utf-8")
        except OSError as exc:
            err.print(f"[bold red]error:[/] --log-file {log_file}: {exc.strerror or exc}")
            raise typer.Exit(EXIT_INVALID) from None
        file_handler.setFormatter(
            logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s")
        )
        file_handler.setLevel(logging.INFO)
        handlers.append(file_handler)
    for handler in handlers:
        logger.addHandler(handler)
        _installed.append(handler)
    logger.setLevel(logging.INFO if (verbose or log_file is not None) else logging.WARNING)


def reset_logging() -> None:
    """Undo :func:`setup_logging` once a command ends (the next one, or a library caller in the
    same process, starts from Python's defaults: HiGHS silent again)."""
    logger = logging.getLogger(LIBRARY_LOGGER)
    for handler in _installed:
        logger.removeHandler(handler)
        handler.close()
    _installed.clear()
    logger.setLevel(logging.NOTSET)
    _state.update(quiet=False, verbose=False)


def command(function: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a command function so that its logging set-up ends with it (:func:`reset_logging`).

    The wrapper keeps the function's signature and help (``functools.wraps``), which is what
    Typer reads.
    """

    @functools.wraps(function)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        finally:
            reset_logging()

    return run


def is_quiet() -> bool:
    """Whether the running command was given ``--quiet``."""
    return _state["quiet"]


def is_verbose() -> bool:
    """Whether the running command shows the solver's log on the console."""
    return _state["verbose"]
