"""Analysis of solved networks, from Result tables only (never from the Pyomo model)."""
