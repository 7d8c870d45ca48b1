"""The schema of the economic families: one module of pydantic models per family.

Foundation layer, like :mod:`gpnopt.schema` (which holds a field of each family's type on
the entity it belongs to). Shape only: per-record rules here, cross-references in
:mod:`gpnopt.checks`. No Pyomo.
"""
