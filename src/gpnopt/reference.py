"""The field reference and the JSON Schema of an instance file, generated from the schema.

:func:`instance_json_schema` is pydantic's JSON Schema of
:class:`~gpnopt.schema.InstanceFile` (what ``gpnopt schema`` prints, committed as
``schema/gpnopt-instance.schema.json`` for editors); :func:`reference_markdown` renders the
same schema as ``docs/reference.md``: every section and field with its type, unit, bounds,
default and description, and a validated example per section (:data:`EXAMPLES`). Tests keep
both files equal to what these functions give. No Pyomo here.
"""

from __future__ import annotations

import json
import re
from typing import Any

from gpnopt.schema import ID_RULE, MAX_MAGNITUDE, InstanceFile

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
"""The JSON Schema dialect pydantic writes."""

SCHEMA_FILE = "schema/gpnopt-instance.schema.json"
"""Where the repository keeps the JSON Schema (relative to its root)."""

EXAMPLES: dict[str, str] = {
    "InstanceFile": "name: tiny\ncountries: {JP: {name: Japan}, CN: {name: China}}\n"
    "firms: {TM: {home_country: JP}}\n...",
    "Units": "units: {money: kUSD, quantity: units/year}",
    "Country": "countries:\n  JP: {name: Japan}",
    "Firm": "firms:\n  TM: {home_country: JP, capital_budget: 5000, technicians: {pool: 12, "
    "per_line: {high: 2}}}",
    "TechnicianPolicy": "technicians: {pool: 12, per_line: {high: 2, medium: 1}, "
    "per_unit: {high: 0.01}}",
    "Hiring": "hiring: {cost: 300, max_per_period: 2, lag: 1, paid_by: JP_TM}",
    "LocalManagers": "local_managers: {plants: [CN_FT], max_share: 0.5, cost: 40}",
    "Component": "components:\n  casting: {transfer_price: 4.0, bom: {pig_iron: 2}}\n"
    "  core_unit: {transfer_prices: [80, 100, 120]}   # levels chosen per flow",
    "BomEntry": "bom: {casting: {quantity: 2, min_quality: medium}}   # or bom: {casting: 2}",
    "Product": "products:\n  lathe_high: {tier: high, firm: TM, bom: {casting: 1}}",
    "Plant": "plants:\n  CN_TM:\n    country: CN\n    owners: {TM: 1.0}\n    fixed_cost: 100\n"
    "    max_tier: medium\n    lines: {lathe_medium: {unit_cost: 12}}\n"
    "    components: {casting: {unit_cost: 3, min_quantity: 20}}",
    "Line": "lines: {lathe_high: {fixed_cost: 50, unit_cost: 20, capacity: 100}}",
    "MakeOption": "components: {casting: {fixed_cost: 40, unit_cost: 3, min_quantity: 20, "
    "quality: medium}}",
    "Supplier": "suppliers:\n  CN_POOL:\n    country: CN\n    serves: [TH, VN]   # a regional "
    "pool: delivers within TH and VN too\n    access: {firms: [TM]}\n"
    "    components: {casting: {unit_price: 5, capacity: 500, quality: medium}}",
    "SupplyOffer": "components: {casting: {unit_price: 5, capacity: 500, quality: medium}}",
    "Access": "access: {firms: [TM], plants: [JP_TM]}",
    "Market": "markets:\n  CN:\n    country: CN\n    demand: {lathe_medium: {quantity: 80, "
    "price: 25}}",
    "DemandEntry": "demand:\n  lathe_medium: {quantity: 80, price: 25, min_served: 0.5}\n"
    "  lathe_high:\n    curve: [{quantity: 30, price: 60}, {quantity: 20, price: 52}]",
    "CurveStep": "curve:\n  - {quantity: 300, price: 60}\n  - {quantity: 200, price: 52}\n"
    "  - {quantity: 400, price: 45}",
    "Channel": "channels:\n  TM_direct: {markets: [JP, CN], plant_owners: [TM], "
    "unit_cost: 1.5}",
    "PurchasingOffice": "purchasing_offices:\n  CN_PO: {country: CN, owners: {TM: 1}, "
    "suppliers: [CN_POOL], plants: [JP_TM], fixed_cost: 10}",
    "SourcingRule": "sourcing_rules:\n  - {id: local_content, plant: CN_TM, "
    "sources: {countries: [CN]}, min_share: 0.4}",
    "SourceFilter": "sources: {countries: [CN], suppliers: [CN_POOL]}",
    "SourcingCustomers": "customers: {markets: [JP_keiretsu]}",
    "Trade": "trade:\n  transport: [{from_country: JP, to_country: CN, unit_cost: 2, "
    "symmetric: true}]\n  tariffs: [{to_country: CN, goods: machine, rate: 0.1}]",
    "TransportCost": "transport:\n  - {from_country: JP, to_country: CN, unit_cost: 2, "
    "symmetric: true}\n  - {from_plant: JP_TM, to_market: CN, goods: machine, unit_cost: 3}\n"
    "  - {from_country: JP, to_country: CN, products: [lathe_high], unit_cost: 1, "
    "value_rate: 0.02, lead_time: 20}",
    "DefaultTransport": "default_transport: {unit_cost: 3, value_rate: 0.01, lead_time: 30}",
    "Tariff": "tariffs:\n  - {to_country: CN, goods: machine, rate: 0.1}   # 10%\n"
    "  - {from_country: TW, to_country: CN, goods: machine, rate: 0.0}",
    "Objective": "objective: {mode: 'firm:TM'}",
    "Expectation": "expectations:\n  - {id: jp_high_for_jp, kind: makes, plant: JP_TM, "
    "tier: high, market: JP}\n  - {id: japanese_clients, kind: sales_share, "
    "markets: [JP, CN_JPA], min: 0.8}\n  - {id: thin_margin, kind: margin, firm: TM, min: 0.05, "
    "max: 0.08}",
    "Window": "first_period: {at_least: 2006, at_most: 2008}   # or a period id: {at_most: P3}",
    "ScenarioSpec": "scenarios:\n  expensive_china: [china_costs]\n"
    "  entry: {description: The entry network, overrides: [no_jv, china_costs]}",
    "Period": "periods:\n  - {id: P2005, start: 2005}\n  - {id: P2006, start: 2006, length: 2}\n"
    "  - {id: P2008, start: 2008, length: 2}",
    "Finance": "finance: {discount_rate: 0.08, asset_lifetime: 15}",
    "LearningStep": "learning:\n  - {after: 500, unit_cost: 9}\n"
    "  - {after: 2000, unit_cost: 8, quality: high}",
    "Requirement": "requires: {output: {plant: CN_FFG, component: casting, quantity: 800}, "
    "training: {cost: 150, lag: 1}}",
    "OutputRequirement": "output: {plant: CN_FFG, component: casting, quantity: 800}",
    "OutputSource": "learning_from: {plant: CN_NS, product: part_std}   # the subsidiary's output",
    "Training": "training: {cost: 150, lag: 1}",
    "Taxes": "taxes:\n  rates: {JP: 0.30, CN: 0.25, TW: 0.17}   # 0.25 is 25%\n"
    "  incentives:\n    - {id: jv_with_taiwan_hq, country: CN, rate: 0.15, "
    "owner_home_countries: [TW]}",
    "TaxIncentive": "incentives:\n  - {id: jv_with_taiwan_hq, country: CN, rate: 0.15, "
    "owner_home_countries: [TW]}\n  - {id: thai_boi_holiday, plants: [TH_TM], "
    "rate: 0.0}   # a holiday; per period: {P2005: 0.0, P2010: 0.2}",
    "Currency": "currencies:\n  JPY: {name: Japanese yen, rate: 0.009}\n  EUR: {rate: 1.1}",
    "BasePlant": "base_plant:\n  plant: JP_TM\n  products: [lathe_h, lathe_m]\n"
    "  support_cost: {high: 2.0, medium: 1.0, low: 0.5}\n  support_fee: {high: 4.0, medium: 2.0}\n"
    "  closure_cost: 3000",
    "PurchasingPool": "purchasing_pools:\n  joint_castings:\n    suppliers: [CN_POOL]\n"
    "    components: [casting]\n    buyers: {firms: [TM, FFG]}\n    scheme: all_units\n"
    "    tiers: [{from: 0, discount: 0}, {from: 2000, discount: 0.05}]",
    "PoolBuyers": "buyers: {firms: [TM, FFG], plants: [TW_FFG]}",
    "DiscountTier": "tiers:\n  - {from: 0, discount: 0.0}\n  - {from: 2000, discount: 0.05}   # 5% off\n"
    "  - {from: 6000, discount: 0.10}",
    "Expansion": "expansion: {module: 50, investment_cost: 400, fixed_cost: 20, max_modules: 2,"
    "\n            funding: {firm: TTC, covers: 1.0, equity: 0.2}}",
    "Funding": "funding: {firm: TTC, covers: 1.0, equity: 0.2}   # TTC pays the modules for 20%",
    "Acquisition": "acquisitions:\n  buy_sankyo:                  # one decision, several plants\n"
    "    name: Sankyo Motor\n    plants: [SK_BATAM, SK_SUZHOU]\n    price: 800\n"
    "    charged_to: SK_BATAM\n    lifetime: 10",
}
"""A short YAML example per section (model name -> text); tests validate each one."""

_ORDER = [
    "InstanceFile", "Period", "Finance", "Units", "Currency", "Country", "Firm", "TechnicianPolicy",
    "Hiring", "LocalManagers", "BasePlant", "Component", "BomEntry", "Product", "Plant", "Line",
    "MakeOption", "LearningStep", "OutputSource", "Requirement", "OutputRequirement", "Training",
    "Expansion", "Funding", "Acquisition", "Supplier", "SupplyOffer", "Access",
    "Market", "DemandEntry", "CurveStep", "Channel", "PurchasingOffice", "SourcingRule", "SourceFilter",
    "Trade", "TransportCost", "Tariff", "Objective", "Expectation", "Window", "ScenarioSpec",
    "Taxes", "TaxIncentive",
    "Trade", "TransportCost", "Tariff", "PurchasingPool", "PoolBuyers", "DiscountTier",
    "Objective", "Expectation", "Window", "ScenarioSpec",
]

_UNIT = re.compile(
    r"\(((?:money|units|capacity units|persons|technicians|seconds)[^()]*(?:\([^()]*\))?[^()]*)\)"
)


def _close_id_maps(node: Any) -> None:
    """Refuse keys outside ``patternProperties`` (ids), as the pydantic schema does."""
    if isinstance(node, dict):
        if "patternProperties" in node and "additionalProperties" not in node:
            node["additionalProperties"] = False
        for value in node.values():
            _close_id_maps(value)
    elif isinstance(node, list):
        for value in node:
            _close_id_maps(value)


SERIES = {
    "type": "object",
    "minProperties": 1,
    "description": "In an instance with periods: a value per period ({P2005: 500, P2008: 700}) "
    "or a value with yearly growth ({value: 500, growth: 0.1}); checked when loaded.",
}
"""What a number may also be in an instance file: a per-period value (any mapping here)."""

_FIXED_DEFS = ("Period", "Finance", "Objective", "Expectation")
"""Sections whose numbers hold for the whole horizon (no per-period form)."""

_META = ("description", "default", "title")


def _accept_series(node: Any) -> Any:
    """``node`` with every number outside :data:`_FIXED_DEFS` also allowed to be a
    :data:`SERIES` (changed in place; a number node itself is returned wrapped)."""
    if isinstance(node, list):
        node[:] = [_accept_series(value) for value in node]
    elif isinstance(node, dict) and node.get("type") in ("number", "integer"):
        meta = {k: node.pop(k) for k in _META if k in node}
        return {"anyOf": [node, SERIES], **meta}
    elif isinstance(node, dict):
        for key, value in node.items():
            if key == "$defs":
                for name, model in value.items():
                    if name not in _FIXED_DEFS:
                        _accept_series(model)
            elif key != "properties" or not isinstance(value, dict):
                node[key] = _accept_series(value)
            else:
                for field, spec in value.items():
                    value[field] = _accept_series(spec)
    return node


def _model_schema() -> dict[str, Any]:
    """pydantic's JSON Schema of an instance file, mappings by id closed."""
    schema = InstanceFile.model_json_schema(mode="validation")
    _close_id_maps(schema)
    return {"$schema": SCHEMA_DIALECT, "title": "gpnopt instance", **schema}


def instance_json_schema() -> dict[str, Any]:
    """The JSON Schema of an instance file (:class:`~gpnopt.schema.InstanceFile`).

    Mappings by id accept only valid ids as keys (``additionalProperties: false`` beside the
    id pattern), as validation does. A number (outside ``periods``, ``finance``,
    ``objective`` and ``expectations``) may also be a mapping: a per-period value, checked
    when the file is loaded (editors do not flag the per-period forms of numbers and of
    ``owners``; a whole entity given per period is beyond what the schema describes).

    Returns:
        The schema as a mapping, with ``$schema`` and ``title`` set.
    """
    schema = _model_schema()
    _accept_series(schema)
    return schema


def schema_text() -> str:
    """:func:`instance_json_schema` as the text of the committed file (sorted, indented)."""
    return json.dumps(instance_json_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _anchor(name: str) -> str:
    return f"[{name}](#{name.lower()})"


def _ref_name(node: dict[str, Any]) -> str | None:
    ref = node.get("$ref")
    return ref.rsplit("/", 1)[-1] if isinstance(ref, str) else None


def _type(node: dict[str, Any]) -> str:
    """A JSON Schema node as a short type phrase (sections linked)."""
    name = _ref_name(node)
    if name:
        return _anchor(name)
    if "anyOf" in node:
        parts = [_type(n) for n in node["anyOf"] if n.get("type") != "null"]
        return " or ".join(dict.fromkeys(parts))
    if "enum" in node:
        return "one of " + ", ".join(f"`{v}`" for v in node["enum"])
    if "const" in node:
        return f"`{node['const']}`"
    kind = node.get("type")
    if kind == "array":
        return f"list of {_type(node.get('items', {}))}"
    if kind == "object":
        by_id = list(node.get("patternProperties", {}).values())
        if by_id:
            return f"mapping id -> {_type(by_id[0])}"
        values = node.get("additionalProperties")
        if isinstance(values, dict):
            return f"mapping key -> {_type(values)}"
        return "mapping"
    if kind == "string" and "pattern" in node:
        return "id"
    return {"number": "number", "integer": "integer", "string": "text", "boolean": "true/false"}.get(
        str(kind), "any"
    )


def _inner(node: dict[str, Any]) -> list[dict[str, Any]]:
    """The node, its alternatives, and the values of its mappings and lists."""
    found = [node]
    for n in [node, *node.get("anyOf", [])]:
        found += [n] if n is not node else []
        for key in ("items", "additionalProperties"):
            if isinstance(n.get(key), dict):
                found += _inner(n[key])
        for v in n.get("patternProperties", {}).values():
            found += _inner(v)
    return found


def _bounds(node: dict[str, Any]) -> str:
    """The numeric bounds of a node or its values (a range, ``>= 0``, ``> 0``), or ``""``."""
    for n in _inner(node):
        lo, hi = n.get("minimum"), n.get("maximum")
        xlo = n.get("exclusiveMinimum")
        if lo is None and hi is None and xlo is None:
            continue
        hi_text = "" if hi is None or hi == MAX_MAGNITUDE else f"{hi:g}"
        if xlo is not None:
            return f"> {xlo:g}" + (f", <= {hi_text}" if hi_text else "")
        if lo is not None and lo != -MAX_MAGNITUDE:
            return f"{lo:g} to {hi_text}" if hi_text else f">= {lo:g}"
        return f"<= {hi_text}" if hi_text else ""
    return ""


def _default(name: str, node: dict[str, Any], required: bool) -> str:
    if required:
        return "**required**"
    if "default" not in node:
        return "empty" if _type(node).startswith(("mapping", "list")) else "see section"
    value = node["default"]
    if value is None:
        return "omitted"
    if value in ({}, []):
        return "empty"
    if value == "":
        return '`""`'
    return f"`{json.dumps(value)}`" if not isinstance(value, str) else f"`{value}`"


def _unit(node: dict[str, Any], description: str) -> str:
    """The unit a field's description names (``money/year``), or ``fraction`` for shares."""
    m = _UNIT.search(description)
    if m:
        return re.split(r"[,;]", m.group(1))[0].strip()
    if any(n.get("maximum") == 1 and n.get("minimum") == 0 for n in _inner(node)):
        return "fraction"
    return ""


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _section(name: str, model: dict[str, Any]) -> list[str]:
    lines = [f"## {name}", "", _cell(model.get("description", "")), ""]
    if name in EXAMPLES:
        lines += ["```yaml", EXAMPLES[name], "```", ""]
    lines += ["| field | type | unit | bounds | default | description |", "|---|---|---|---|---|---|"]
    required = set(model.get("required", []))
    for field, node in model.get("properties", {}).items():
        desc = node.get("description", "")
        lines.append(
            f"| `{field}` | {_type(node)} | {_unit(node, desc)} | {_bounds(node)} | "
            f"{_default(field, node, field in required)} | {_cell(desc)} |"
        )
    return [*lines, ""]


def reference_markdown() -> str:
    """``docs/reference.md``: every section and field of an instance file, from the schema.

    Returns:
        The Markdown text (ends with a newline).
    """
    schema = _model_schema()
    defs = dict(schema.get("$defs", {}))
    defs["InstanceFile"] = {k: v for k, v in schema.items() if k != "$defs"}
    defs["InstanceFile"]["description"] = (
        "The top level of an instance file: the instance's sections, plus `imports`, "
        "`overrides` and `scenarios` (applied before validation)."
    )
    head = [
        "# Instance field reference",
        "",
        "Generated from `src/gpnopt/schema.py` by `gpnopt.reference.reference_markdown()`; "
        "`tests/test_ecosystem.py` keeps it current. The JSON Schema of the same contract is "
        f"`{SCHEMA_FILE}` (`gpnopt schema` prints it); a first line "
        "`# yaml-language-server: $schema=../schema/gpnopt-instance.schema.json` lets editors "
        "complete and check the keys.",
        "",
        "Rules for every field:",
        "",
        f"* An id (of any entity, rule, scenario or override) is {ID_RULE}.",
        f"* Every number is finite and at most {MAX_MAGNITUDE:g} in magnitude; a boolean where "
        "a number is expected is refused (YAML reads unquoted yes/no, on/off as booleans).",
        "* Shares and rates are fractions: `0.1` is 10%.",
        "* Money is in `units.money` per year, quantities in units per year. An unknown key is "
        "an error (with the closest known keys suggested).",
        "* `omitted` as a default means the field may be left out (or set to `null`).",
        "* In an instance with `periods:` a value may change by period: a mapping from period "
        "id to value (`{P2005: 500, P2008: 700}`: each holds until the next one listed) or a "
        "value with yearly growth (`{value: 500, growth: 0.1}`); see README.md, \"Periods and "
        "values over time\".",
        "",
        "Sections: " + ", ".join(_anchor(n) for n in _ORDER if n in defs) + ".",
        "",
    ]
    body: list[str] = []
    for n in [*_ORDER, *sorted(set(defs) - set(_ORDER))]:
        if n in defs:
            body += _section(n, defs[n])
    return "\n".join(head + body).rstrip("\n") + "\n"
