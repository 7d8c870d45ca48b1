"""Switches that turn one economic family on in a generated instance (issue 14).

Each module here (one per family, named after it: ``sourcing.py``, ``taxes.py``...) defines

``enable(raw: dict) -> dict``
    Given a raw instance mapping from :func:`gpnopt.generate.generate` (the ``l`` size of
    ``benchmarks/scale.py`` for timing, smaller ones in the tests), return a mapping (a
    changed copy, or ``raw`` changed in place) that uses the family on a realistic share of
    the network: the keys of ``docs/instances.md``, so that the family's rows, variables or
    converted numbers are really built. It must be deterministic (no randomness without a
    fixed seed) and must not depend on the size (count entities, do not name them).

and may define

``USES: tuple[str, ...]``
    Names of model components (constraints, variables or expressions, on the model or on a
    period's block) that the family adds. ``tests/test_benchmark_families.py`` checks that
    at least one of them is built with the family on and none with it off. Without ``USES``
    the test asks that the model built with the family on has a component the model without
    it lacks, or else that the derived data (:func:`gpnopt.data.build_data`) differ (a
    family such as exchange rates adds no rows but changes numbers).

``benchmarks/families_build.py`` times the build (data and model) of the ``l`` instance with
each module's family on against off and says whether each is within the issue's +20%.
"""
