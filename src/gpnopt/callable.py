"""Packages that are also functions: ``gpnopt.explain(...)`` and ``gpnopt.alliance(...)``.

The facade offers :func:`gpnopt.explain` and :func:`gpnopt.alliance` as functions, and the
studies live in packages of the same names. Importing such a package (``import
gpnopt.explain``, as the facade's function itself does) makes Python bind the package to the
facade's attribute, replacing the function. :func:`make_callable` gives the package a module
type whose call is the study's function, with that function's signature, so that the name
works either way and ``help()`` and editors show the real keywords.
"""

from __future__ import annotations

import inspect
import sys
import types
from collections.abc import Callable
from typing import Any


def make_callable(module_name: str, function: Callable[..., Any]) -> None:
    """Make the module ``module_name`` callable as ``function`` (same signature)."""

    def call(self: types.ModuleType, *args: Any, **kwargs: Any) -> Any:
        return function(*args, **kwargs)

    signature = inspect.signature(function)
    call.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=[
            inspect.Parameter("self", inspect.Parameter.POSITIONAL_ONLY),
            *signature.parameters.values(),
        ]
    )
    call.__doc__ = function.__doc__
    kind = type(f"Callable{module_name.rsplit('.', 1)[-1].title()}Module",
                (types.ModuleType,), {"__call__": call, "__doc__": function.__doc__})
    sys.modules[module_name].__class__ = kind
