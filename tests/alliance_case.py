"""The numbers of ``docs/cases/tm_ffg.md`` section 7 (the alliance economics of the case), computed.

:func:`case_block` builds the Markdown block between the markers; ``tests/test_alliance.py``
checks the document against it, and ``GPNOPT_WRITE_DOCS=1 pytest tests/test_alliance.py -k
case_section`` rewrites it.
"""

from __future__ import annotations

from pathlib import Path

import gpnopt

ROOT = Path(__file__).resolve().parents[1]
CASE = ROOT / "instances" / "tm_ffg.yaml"
BEGIN = "<!-- alliance-numbers:begin (computed: tests/alliance_case.py) -->"
END = "<!-- alliance-numbers:end -->"
TIE_DEPENDENT = (
    "The equity split",
    "FT-China's shares",
    "CF-2: TM alone",
    "| alliance optimum",
    "| TM optimum with",
    "| FFG optimum with",
    "| Nash point",
)
"""Lines whose numbers are read off the one optimum HiGHS returns (see the test)."""
WITHOUT_TTC = {"plants": {"CN_FT": {"runs_without": ["TTC"]}}}
"""The variant: FT-China may run without Toyota Tsusho (its 20% a silent partner's)."""


def _m(x: float) -> str:
    return f"{x + 0.0:,.1f}"


def case_block() -> str:
    """The computed Markdown block (without the markers)."""
    base = gpnopt.alliance(gpnopt.load(CASE), frontier=("TM", "FFG"), points=20)
    variant = gpnopt.alliance(gpnopt.load(CASE, overrides=WITHOUT_TTC), frontier=())
    cf2 = gpnopt.alliance(gpnopt.load(CASE, scenario="tm_alone_in_china"), frontier=())
    out = [
        "v(S), the best equity-weighted profit of the coalition's firms with what they may use "
        "on their own (kUSD/year):",
        "",
        "| coalition | base: a JV runs only with all its owners | FT-China may run without TTC "
        "| CF-2: TM may build its own China plant |",
        "|---|---:|---:|---:|",
    ]
    values = [dict(zip(a.coalitions["coalition"], a.coalitions["value"], strict=True))
              for a in (base, variant, cf2)]
    for c in values[0]:
        out.append(f"| {c} | " + " | ".join(_m(v[c]) for v in values) + " |")
    for name, a in (("base", base), ("FT-China may run without TTC", variant)):
        core = a.core
        out += [
            "",
            f"Allocations, {name} (kUSD/year; equity = each firm's equity-weighted profit in the "
            "alliance optimum):",
            "",
            "| firm | equity | stand-alone | Shapley | nucleolus | Nash | equity share of v(N) "
            "| Shapley share of v(N) |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
        grand = core["grand_value"]
        for f, r in a.allocations.iterrows():
            out.append(
                f"| {f} | {_m(r['equity'])} | {_m(r['stand_alone'])} | {_m(r['shapley'])} | "
                f"{_m(r['nucleolus'])} | {_m(r['nash'])} | {r['equity'] / grand:.1%} | "
                f"{r['shapley'] / grand:.1%} |"
            )
        verdict = "is" if core["equity_in_core"] else "is not"
        out += ["", f"The equity split {verdict} in the core; least-core epsilon "
                f"{_m(core['least_core_epsilon'])}."]
        ft = a.jv_shares[a.jv_shares["entity"] == "CN_FT"]
        shares = ", ".join(
            f"{r['owner']} {r['share']:.0%} -> {r['shapley_share']:.1%}" for _, r in ft.iterrows()
        )
        reach = "reachable" if bool(ft["reachable"].all()) else "not reachable through FT-China alone"
        out.append(f"FT-China's shares that would make the equity split the Shapley split: "
                   f"{shares} ({reach}).")
    tm_base = base.allocations.loc["TM"]
    out += [
        "",
        f"CF-2: TM alone earns {_m(cf2.allocations.loc['TM', 'stand_alone'])} with its own "
        f"China plant on offer and {_m(tm_base['stand_alone'])} without; in the base alliance "
        f"its equity-weighted profit is {_m(tm_base['equity'])} (Shapley {_m(tm_base['shapley'])}).",
        "",
        "Where the alliance optimum is not unique, the equity split, the JV shares and the "
        "marked points other than each firm's own optimum are those of the optimum HiGHS "
        "returns (another of equal value may split differently); v(S) and the allocations "
        "computed from it are unique.",
        "",
        f"TM-FFG frontier ({len(base.frontier)} points; `gpnopt alliance instances/tm_ffg.yaml "
        "--frontier TM,FFG`), its marked points (kUSD/year):",
        "",
        "| point | TM | FFG |",
        "|---|---:|---:|",
    ]
    for _, r in base.marks.iterrows():
        out.append(f"| {r['mark']} | {_m(r['TM'])} | {_m(r['FFG'])} |")
    return "\n".join(out)


def doc_block(text: str) -> str | None:
    """The block between the markers in ``text`` (None when the markers are missing)."""
    if BEGIN not in text or END not in text:
        return None
    return text.split(BEGIN, 1)[1].split(END, 1)[0].strip("\n")
