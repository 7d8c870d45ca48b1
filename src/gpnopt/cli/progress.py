"""A progress bar for the long operations of the command line (many solves).

:class:`Steps` shows a rich bar on standard error with the step being worked on, the count
and the time; it is off with ``--quiet``, when standard error is not a terminal (pipes, CI
logs, tests) and while the solver's log is shown (``--verbose``: the log is the progress).
"""

from __future__ import annotations

from typing import Any

from gpnopt.cli.common import err
from gpnopt.cli.logs import is_verbose


class Steps:
    """A transient progress bar over ``total`` steps; :meth:`update` is the callback.

    Args:
        what: the steps' name (``scenarios``).
        enabled: ``False`` for ``--quiet``; the bar also stays off when standard error is not
            a terminal or the solver's log is shown.
    """

    def __init__(self, what: str, *, enabled: bool = True) -> None:
        self.what = what
        self.enabled = enabled and err.is_terminal and not is_verbose()
        self.bar: Any = None
        self.task: Any = None

    def __enter__(self) -> Steps:
        if self.enabled:
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
            )

            self.bar = Progress(
                TextColumn(self.what),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                TextColumn("{task.description}"),
                console=err,
                transient=True,
            )
            self.bar.__enter__()
        return self

    def update(self, done: int, total: int, label: str = "") -> None:
        """``done`` of ``total`` steps finished; ``label`` names the one under way."""
        if self.bar is None:
            return
        if self.task is None:
            self.task = self.bar.add_task(label, total=total, completed=done)
        else:
            self.bar.update(self.task, completed=done, total=total, description=label)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)
