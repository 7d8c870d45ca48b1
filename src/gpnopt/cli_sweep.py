"""The old home of ``gpnopt sweep``, kept so that ``gpnopt.cli_sweep.sweep`` still imports.

The command lives in :mod:`gpnopt.cli.sweep` now; import it from there.
"""

from gpnopt.cli.sweep import print_sweep, sweep

__all__ = ["print_sweep", "sweep"]
