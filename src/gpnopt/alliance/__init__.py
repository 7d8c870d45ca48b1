"""Alliance economics: coalition values, Shapley value, core, nucleolus, Nash bargaining,
the Pareto frontier between two firms and joint-venture shares (``docs/alliance.md``).

* :mod:`gpnopt.alliance.games`: the allocations as pure functions on a value table;
* :mod:`gpnopt.alliance.values`: v(S) for every coalition, on one kept model;
* :mod:`gpnopt.alliance.frontier`: the epsilon-constraint frontier and its Nash point;
* :mod:`gpnopt.alliance.analysis`: :func:`analyse_alliance` and :class:`AllianceAnalysis`;
* :mod:`gpnopt.alliance.report`: Markdown, JSON and CSV.

A study of many solves built on the solver alone (no facade), so that the facade can offer it
as :func:`gpnopt.alliance`. The package itself is callable, ``gpnopt.alliance(instance, ...)``
being :func:`analyse_alliance` whether the name was reached through the facade or through
``import gpnopt.alliance`` (which replaces the facade's attribute with this module).
"""

from __future__ import annotations

import inspect
import sys
import types
from typing import Any

from gpnopt.alliance.analysis import AllianceAnalysis, analyse_alliance
from gpnopt.alliance.values import EXACT_LIMIT

__all__ = ["EXACT_LIMIT", "AllianceAnalysis", "analyse_alliance"]


class CallableModule(types.ModuleType):
    """This package's module type: calling it is :func:`analyse_alliance`."""

    def __call__(self, instance: Any, **options: Any) -> AllianceAnalysis:
        """:func:`gpnopt.alliance`: the alliance analysis of ``instance``."""
        return analyse_alliance(instance, **options)


_signature = inspect.signature(analyse_alliance)
CallableModule.__call__.__signature__ = _signature.replace(  # type: ignore[attr-defined]
    parameters=[
        inspect.Parameter("self", inspect.Parameter.POSITIONAL_ONLY),
        *_signature.parameters.values(),
    ]
)  # help() and editors show the real keywords
sys.modules[__name__].__class__ = CallableModule
