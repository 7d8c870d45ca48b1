# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     notebook_metadata_filter: -jupytext.text_representation
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # TM and FFG: a machine-tool alliance as a production-network design problem
#
# This notebook walks through the case of `instances/tm_ffg.yaml` from the story to the model,
# to the optimal network, to what happens when the story's drivers change. It uses only
# gpnopt's public API: `gpnopt.load`, `gpnopt.solve`, `gpnopt.compare`, the Result tables,
# `gpnopt.analysis.specialization` and `gpnopt.plots`. It runs top to bottom in a few seconds
# (the test suite executes it: `tests/test_notebook.py`).
#
# **The story.** TM, a Japanese mid-size maker of CNC precision lathes, and FFG, a Taiwanese
# machining-centre group, built a joint venture in Hangzhou, FT-China (2004; 50/50, later
# 40/40/20 with Toyota Tsusho), and FT-Japan (2008), and specialised their plants in Japan,
# China, Taiwan and Thailand. TM Japan kept the high-tier lathes, FT-China made the medium tier
# for China, TM Thailand assembled from FT-China's kits, FFG-China cast in-house once the two
# firms' pooled volume passed the casting minimum, and Taiwan supplied core parts. Why? Too few
# TM technicians for a high-tier line abroad, the casting minimum production quantity (MPQ),
# channels that carry only some plants' machines, and quality rules on key parts.
# `docs/cases/tm_ffg.md` maps every fact onto the instance; `docs/calibration.md` gives each number's
# source.

# %%
# %matplotlib inline
from pathlib import Path

import pandas as pd

import gpnopt
import gpnopt.plots
from gpnopt.analysis.specialization import compare_roles, flow_summary, specialization_indices

pd.set_option("display.width", 140)
pd.set_option("display.max_columns", 30)
pd.set_option("display.max_colwidth", 110)


def find_case(name: str = "tm_ffg.yaml") -> Path:
    """The case instance, from the notebook folder, the repository root or a parent."""
    for folder in [Path.cwd(), *Path.cwd().parents]:
        path = folder / "instances" / name
        if path.exists():
            return path
    msg = f"instances/{name} not found above {Path.cwd()}"
    raise FileNotFoundError(msg)


CASE = find_case()
print("gpnopt", gpnopt.__version__, "- case:", CASE.name)

# %% [markdown]
# ## 1. The model: the story as an instance
#
# `gpnopt.load` reads the YAML file, applies a scenario if asked and validates it (schema,
# references, meaning checks). The result is a pydantic `Instance`: firms, plants with owners
# and equity shares, products by tier, components, supplier pools, markets, channels, trade
# costs and the case's expectations. The base instance is the mature network of about
# 2010-2012.

# %%
inst = gpnopt.load(CASE)
plants = pd.DataFrame(
    [
        {
            "plant": p,
            "country": pl.country,
            "owners": ", ".join(f"{f} {s:.0%}" for f, s in pl.owners.items()),
            "lines": ", ".join(pl.lines),
            "makes in-house (option)": ", ".join(pl.components),
            "assembly capacity": pl.assembly_capacity,
        }
        for p, pl in inst.plants.items()
    ]
)
plants

# %%
pd.DataFrame(
    [
        {"product": i, "tier": pr.tier, "firm": pr.firm, "bill of materials": ", ".join(pr.bom)}
        for i, pr in inst.products.items()
    ]
)

# %%
pd.DataFrame(
    [
        {
            "channel": c,
            "markets": ", ".join(ch.markets),
            "plants": ", ".join(ch.plants or []),
            "plant owners": ", ".join(ch.plant_owners or []),
            "fixed cost": ch.fixed_cost,
        }
        for c, ch in inst.channels.items()
    ]
)

# %% [markdown]
# Nothing in the instance fixes a decision: which lines open, who makes castings and core
# parts, who supplies whom and which channel carries what are the optimum's choices under the
# case's rules (channels, supplier access, quality, TM's technician pool of 4, the casting
# MPQ of 1,750 sets).
#
# ## 2. The solution
#
# `gpnopt.solve` builds the Pyomo model, solves it with HiGHS and reads the solution into
# pandas tables (`result.tables`, also `result.production` etc.; columns in `docs/api.md`).
# The objective is the alliance's total profit (kUSD/year); `firm_profit` splits it by
# equity.

# %%
result = gpnopt.solve(inst)
assert result.status == "optimal"
print(f"{result.status}: alliance profit {result.objective:,.0f} kUSD/year")
pd.Series(result.firm_profit, name="profit by firm (equity-weighted)").round(0)

# %% [markdown]
# Who makes what for whom:

# %%
result.production

# %% [markdown]
# Make or buy, and the component flows between plants (a plant's use of its own output left
# out):

# %%
result.make_or_buy

# %%
flows = result.component_flows
flows[(flows["source_type"] == "plant") & (flows["source"] != flows["destination"])]

# %% [markdown]
# The instance carries the case's facts as *expectations*, checked on the solution:

# %%
pd.DataFrame(result.expectations)[["id", "description", "holds"]]

# %% [markdown]
# ### The network on a map
#
# Plants are placed by country (a pie of their owners' equity), supplier pools above them and
# markets below. Arrows are component flows (coloured by component) and machine flows to
# markets (greys by tier), their width proportional to the value per year. FT-China (CN_FT)
# makes the medium tier for China and kits for Thailand; TM Japan the high tier for Japan, the
# West and China; FFG-China's castings and FFG Taiwan's core units go to the other plants.

# %%
gpnopt.plots.network_figure(inst, result)

# %% [markdown]
# ## 3. Specialization: what role does each plant play?
#
# `gpnopt.solve` adds the `specialization` table (`docs/specialization.md`): a plant is
# *horizontal* when it sells machines concentrated on few tier x market cells, *vertical* when
# at least a tenth of its output goes to other plants, *both* or *none*; with the horizontal
# index H and the Hummels-Ishii-Yi vertical specialization (VS).

# %%
result.specialization[
    ["plant", "country", "owners", "stage", "role_type", "role", "horizontal_index", "vs_share"]
]

# %% [markdown]
# The same as a heatmap: each plant's gross output split into machines sold by tier (blues,
# the horizontal side) and components supplied to other plants (oranges, the vertical side).

# %%
gpnopt.plots.specialization_heatmap(inst, result)

# %% [markdown]
# By firm (equity-weighted) and by country, and the component flows classed intra-firm
# (between plants sharing an owner) or inter-firm:

# %%
specialization_indices(inst, result, "firm")[["firm", "plants", "output", "exports", "vs", "vs_share"]]

# %%
flow_summary(inst, result)

# %% [markdown]
# ## 4. Entry (2005) against the mature network
#
# The scenario `entry_2005` is FT-China's start: a 50/50 JV with 300 units of capacity, no
# Toyota Tsusho, no Thailand plant, no TM-Trading, no FT-Japan, no purchasing office, no
# supplier JV, no supply across the firms, the 2005 Chinese market and tariffs.
# `gpnopt.compare` solves each scenario and lines up KPIs and the decisions that differ from
# the first.

# %%
entry_vs_mature = gpnopt.compare(CASE, ["entry_2005", "base"])
kpis = entry_vs_mature.kpis_wide
kpis[kpis["section"].isin(["objective", "firm profit", "volume by plant"])]

# %%
diff = entry_vs_mature.diff
diff[diff["kind"].isin(["plant", "channel", "make_or_buy", "line"])][
    ["kind", "entity", "change"]
]

# %% [markdown]
# In 2005 every plant's need for castings is below the MPQ, so castings are bought; with
# FT-China's mature volume the pooled need passes it and FFG-China casts in-house, and the
# network gains its vertical links (kits to Thailand, castings and core units across the
# firms). The entry network:

# %%
entry = entry_vs_mature.results["entry_2005"]
gpnopt.plots.network_figure(entry_vs_mature.instances["entry_2005"], entry)

# %%
compare_roles(
    {name: r.specialization for name, r in entry_vs_mature.results.items()}
)[["plant", "scenario", "role_type", "role", "changed"]]

# %% [markdown]
# ## 5. Counterfactuals: the pattern moves with its drivers
#
# Each scenario changes one driver of the story (case-facts 2.5, `docs/cases/tm_ffg.md` section 4):
#
# * `no_ft_china`: FT-China does not exist: FFG-China's casting volume falls below the MPQ;
# * `more_technicians`: TM's technician pool is 10 instead of 4: FT-China can take the high
#   tier, TM Japan closes;
# * `fewer_technicians`: only FT-China's 2 expatriates: no Thailand line;
# * `no_ttc`: no Toyota Tsusho: the Japanese-affiliated customers in China are lost;
# * `no_ft_japan`: FFG's machines have no channel into Japan;
# * `no_taiwanese_core_parts`: FFG Taiwan makes no core parts.

# %%
counterfactuals = gpnopt.compare(
    CASE,
    [
        "base",
        "no_ft_china",
        "more_technicians",
        "fewer_technicians",
        "no_ttc",
        "no_ft_japan",
        "no_taiwanese_core_parts",
    ],
)
gpnopt.plots.comparison_figure(counterfactuals)

# %%
wide = counterfactuals.kpis_wide
wide[wide["section"].isin(["objective", "firm profit"])]

# %% [markdown]
# A driver of your own: `gpnopt.load(path, overrides=...)` applies any deep-merge patch of the
# instance (a mapping merges key by key, `null`/`None` removes a key). Here TM gets 6
# technicians instead of 4 (enough for one high-tier crew abroad) and FFG-China's casting MPQ
# rises from 1,750 to 2,500 sets; the base expectations are dropped, since they describe the
# base network. Which plants change their role?

# %%
own = gpnopt.load(
    CASE,
    overrides={
        "firms": {"TM": {"technicians": {"pool": 6}}},
        "plants": {"CN_FFG": {"components": {"casting": {"min_quantity": 2500}}}},
        "expectations": [],
    },
)
own_result = gpnopt.solve(own, scenario="own_drivers")
print(f"alliance profit {own_result.objective:,.0f} (base {result.objective:,.0f})")
own_result.specialization[["plant", "role_type", "role"]]

# %% [markdown]
# ## 6. The same pictures from the command line
#
# ```sh
# gpnopt report instances/tm_ffg.yaml --scenarios base,entry_2005 --out out/tm_ffg/plots
# ```
#
# writes `network.png`, `specialization.png`, `comparison.png`, a network per scenario and an
# `index.html` showing them; `gpnopt.plots.write_plots(inst, result, "out/dir", comparison)`
# does the same from Python.
