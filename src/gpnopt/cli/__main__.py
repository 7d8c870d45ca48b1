"""``python -m gpnopt.cli``: the same as the ``gpnopt`` console script."""

from gpnopt.cli import run

run()
