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

from gpnopt.alliance.analysis import AllianceAnalysis, analyse_alliance
from gpnopt.alliance.values import EXACT_LIMIT
from gpnopt.callable import make_callable

__all__ = ["EXACT_LIMIT", "AllianceAnalysis", "analyse_alliance"]


make_callable(__name__, analyse_alliance)  # gpnopt.alliance(...) is analyse_alliance(...)
