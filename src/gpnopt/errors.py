"""Exceptions and warnings raised by gpnopt.

Every error a user can cause by their input is an :class:`InstanceError`; the CLI maps
it to exit code 1 and prints its message without a traceback.
"""

from __future__ import annotations

EXCERPT_CHARS = 60
"""Most characters of a value or key of the input echoed in one message."""


def cut(text: str, limit: int = EXCERPT_CHARS) -> str:
    """``text`` itself, or its first characters and ``...`` when it is longer than ``limit``."""
    return text if len(text) <= limit else text[: max(limit - 3, 1)] + "..."


def show(value: object, limit: int = EXCERPT_CHARS) -> str:
    """A value of the input as it is echoed in a message: quoted, cut to ``limit``."""
    if isinstance(value, str):
        return repr(cut(value, limit))
    return cut(repr(value), limit)


class GpnoptError(Exception):
    """Base class of all gpnopt errors."""


class InstanceError(GpnoptError, ValueError):
    """The instance (or a scenario of it) is invalid.

    Attributes:
        problems: every problem found, each a line ``file: yaml.path: message``.
    """

    def __init__(self, problems: list[str] | str) -> None:
        if isinstance(problems, str):
            problems = [problems]
        self.problems = list(dict.fromkeys(problems))  # once each, in order
        if len(self.problems) == 1:
            text = self.problems[0]
        else:
            text = f"{len(self.problems)} problems:\n" + "\n".join(
                f"  - {p}" for p in self.problems
            )
        super().__init__(text)


class SolveError(GpnoptError, RuntimeError):
    """The solver ended without a usable solution.

    Attributes:
        status: gpnopt's status word (``infeasible``, ``no_solution``, ...).
        exit_code: the CLI exit code for this failure (3 infeasible, 4 otherwise).
        diagnosis: the lines of an infeasible instance's diagnosis, when one was made
            (:func:`gpnopt.solver.diagnose.diagnose`), else ``None``.
    """

    def __init__(
        self, message: str, status: str, exit_code: int = 4, diagnosis: list[str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.exit_code = exit_code
        self.diagnosis = diagnosis


class GpnoptWarning(UserWarning):
    """Something in the input the model tolerates but the user should know of."""
