"""The instance schema: pydantic models of the YAML contract.

One model per YAML section. Every model forbids unknown keys and is frozen; each field's
docstring states its unit and bounds. Money is in the instance's money unit (``units.money``)
per year, quantities in units per year. Cost-like keys contain ``cost``, prices ``price``.

This module checks *shape* (types, ranges, per-record rules). Cross-references and other
meaning rules live in :mod:`gpnopt.checks`. No Pyomo here.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    BeforeValidator,
    Field,
    PrivateAttr,
    field_validator,
    model_validator,
)

from gpnopt.dynamics import Asset, Finance, Learnable, Period, check_periods
from gpnopt.economics.acquisitions import Acquisition
from gpnopt.economics.base_plants import BasePlant
from gpnopt.economics.currency import Currency, CurrencyRef
from gpnopt.economics.demand import Curve, fill_from_curve
from gpnopt.economics.demand import CurveStep as CurveStep
from gpnopt.economics.discounts import DiscountTier, PoolBuyers, PurchasingPool  # noqa: F401 (21)
from gpnopt.economics.expansion import Expansion
from gpnopt.economics.expansion import Funding as Funding
from gpnopt.economics.lead_times import DefaultTransport as DefaultTransport
from gpnopt.economics.sourcing import SourcingCustomers, rule_shape_problem
from gpnopt.economics.staffing import Hiring, LocalManagers
from gpnopt.economics.taxes import Taxes
from gpnopt.economics.taxes import TaxIncentive as TaxIncentive
from gpnopt.economics.trade import Tariff as Tariff
from gpnopt.economics.trade import Trade
from gpnopt.economics.trade import TransportCost as TransportCost
from gpnopt.economics.transfer_prices import TransferLevels
from gpnopt.errors import show
from gpnopt.expectation import Expectation
from gpnopt.fields import (  # the field types; gpnopt.schema.X keeps working for each
    ID_PATTERN as ID_PATTERN,
)
from gpnopt.fields import (
    ID_RULE as ID_RULE,
)
from gpnopt.fields import (
    MAX_MAGNITUDE as MAX_MAGNITUDE,
)
from gpnopt.fields import (
    TIER_RANK as TIER_RANK,
)
from gpnopt.fields import (
    Base as Base,
)
from gpnopt.fields import (
    Id as Id,
)
from gpnopt.fields import (
    Name as Name,
)
from gpnopt.fields import (
    NonNeg as NonNeg,
)
from gpnopt.fields import (
    Number as Number,
)
from gpnopt.fields import (
    Positive as Positive,
)
from gpnopt.fields import (
    Provenance as Provenance,
)
from gpnopt.fields import (
    Rate as Rate,
)
from gpnopt.fields import (
    Share as Share,
)
from gpnopt.fields import (
    Tier as Tier,
)
from gpnopt.timing import Window as Window


def _check_owner_shares(owners: dict[str, float]) -> dict[str, float]:
    """Equity shares of one entity sum to at most 1."""
    total = sum(owners.values())
    if total > 1 + 1e-9:
        msg = f"shares sum to {total:g}, must be at most 1"
        raise ValueError(msg)
    return owners


def _check_runs_without(owners: dict[str, float], runs_without: list[str] | None) -> None:
    """Every firm an entity may run without is one of its owners."""
    strangers = [f for f in runs_without or () if f not in owners]
    if strangers:
        msg = (
            f"runs_without: {', '.join(show(f) for f in strangers)} not among the owners "
            f"({', '.join(show(f) for f in owners) or 'none'})"
        )
        raise ValueError(msg)


class Units(Base):
    """Units the instance's numbers are stated in (documentation only)."""

    money: str = "kUSD"
    """Unit of every cost, price and profit (per year)."""
    quantity: str = "units/year"
    """Unit of every quantity, demand and capacity."""


class Country(Base):
    """A country (or region) plants, suppliers and markets lie in."""

    name: str | None = None
    """Readable name."""
    currency: str | None = None
    """Currency id (of ``currencies``) of the records here that state ``currency: local``."""
    provenance: Provenance = None
    """Where this record's numbers come from."""


class TechnicianPolicy(Base):
    """A firm's pool of expatriate technicians and what its foreign lines need."""

    pool: NonNeg
    """Technicians the firm can send abroad (persons)."""
    per_line: dict[Tier, NonNeg] = Field(default_factory=dict)
    """Technicians one open line of a product of this tier needs at a foreign plant."""
    per_unit: dict[Tier, NonNeg] = Field(default_factory=dict)
    """Technicians per unit of output of this tier at a foreign plant (persons/unit)."""
    cost: NonNeg | None = None
    """Cost per expatriate-year in use abroad (money/year), borne by the plant using them;
    stating it (or ``hiring``, ``local_managers``, ``whole_persons``) makes the pool family
    18's."""
    hiring: Hiring | None = None
    """Technicians the firm may train or hire (family 18); omitted = none."""
    local_managers: LocalManagers | None = None
    """Local managers that substitute for part of the need (family 18); omitted = none."""
    whole_persons: bool = False
    """Count the expatriates and local managers at each foreign plant in whole persons
    (family 18: integers, so a share of a crew rounds up to a person); false = averages over
    the year (continuous). Stating it true makes the pool family 18's."""


class Firm(Base):
    """A firm: owner of plants, channels and offices, designer of products."""

    name: str | None = None
    """Readable name."""
    home_country: str | None = None
    """Country id of the firm's home; its lines elsewhere are foreign (technicians)."""
    capital_budget: NonNeg | None = None
    """Bound on the firm's equity-weighted share of ``investment_cost`` (money)."""
    reservation_profit: Number | None = None
    """Least equity-weighted profit the firm accepts (participation; money/year)."""
    technicians: TechnicianPolicy | None = None
    """Expatriate technician pool; omitted = unlimited."""
    base_plant: BasePlant | None = None
    """The firm's base (mother) plant, without which its foreign lines cannot run
    (``docs/formulation.md``, section 19); omitted = none."""
    provenance: Provenance = None
    """Where this record's numbers come from."""


class BomEntry(Base):
    """One component of a bill of materials."""

    quantity: Positive
    """Units of the component per unit of the parent."""
    min_quality: Tier | None = None
    """Least quality of the component's source this parent accepts."""


def _bom_shorthand(value: Any) -> Any:
    """Allow ``bom: {casting: 2}`` as shorthand for ``{casting: {quantity: 2}}``."""
    if isinstance(value, dict):
        return {
            k: ({"quantity": v} if isinstance(v, int | float) and not isinstance(v, bool) else v)
            for k, v in value.items()
        }
    return value


BillOfMaterials = Annotated[
    dict[str, BomEntry],
    BeforeValidator(_bom_shorthand, json_schema_input_type=dict[str, BomEntry | Positive]),
]
"""Components by id; ``{casting: 2}`` is shorthand for ``{casting: {quantity: 2}}``."""


class Component(Base):
    """A component (part, casting, core unit) used in bills of materials."""

    name: str | None = None
    """Readable name."""
    transfer_price: NonNeg = 0.0
    """Price of one unit traded between plants; its customs value (money/unit)."""
    transfer_prices: TransferLevels | None = None
    """Transfer price levels (money/unit, >= 0) the model chooses from for each flow
    between two plants (family 23); they replace ``transfer_price`` there."""
    bom: BillOfMaterials = Field(default_factory=dict)
    """Sub-components per unit made (multi-level bills of materials)."""
    provenance: Provenance = None
    """Where this record's numbers come from."""


class Product(Base):
    """A final product (a machine) sold in markets."""

    name: str | None = None
    """Readable name."""
    tier: Tier
    """Value tier: high, medium or low."""
    firm: str | None = None
    """Firm whose design (brand) it is; its technicians run foreign lines of it."""
    capacity_use: Positive = 1.0
    """Assembly capacity one unit takes (capacity units/unit)."""
    bom: BillOfMaterials = Field(default_factory=dict)
    """Components per unit of product."""
    provenance: Provenance = None
    """Where this record's numbers come from."""


class Line(Learnable):
    """A product line a plant may run."""

    fixed_cost: NonNeg = 0.0
    """Cost of running the line (money/year), paid when the line is open."""
    unit_cost: NonNeg = 0.0
    """Assembly cost per unit made, components excluded (money/unit)."""
    capacity: NonNeg | None = None
    """Most units per year on this line; omitted = only the plant's capacity."""
    investment_cost: NonNeg = 0.0
    """Capital the line needs, funded by the owners (money;
    a yearly annuity in the cost of a one-period instance, an outlay when built in a
    multi-period one; counts in capital budgets)."""
    expansion: Expansion | None = None
    """Modules that add to ``capacity`` (family 17); needs a ``capacity``."""


class MakeOption(Learnable):
    """In-house production of a component at a plant (make-or-buy)."""

    fixed_cost: NonNeg = 0.0
    """Cost of making the component in-house (money/year), paid when in-house."""
    unit_cost: NonNeg = 0.0
    """Cost per unit made, sub-components excluded (money/unit)."""
    min_quantity: NonNeg = 0.0
    """Minimum production quantity when made in-house (units/year)."""
    capacity: NonNeg | None = None
    """Most units per year; omitted = unbounded."""
    quality: Tier = "high"
    """Quality level of the component made here."""
    investment_cost: NonNeg = 0.0
    """Capital the in-house process needs (money;
    a yearly annuity in the cost of a one-period instance, an outlay when built in a
    multi-period one; counts in capital budgets)."""
    expansion: Expansion | None = None
    """Modules that add to ``capacity`` (family 17); needs a ``capacity``."""


class Plant(Asset):
    """A plant (or candidate plant) in a country, owned by firms."""

    name: str | None = None
    """Readable name."""
    country: str
    """Country id."""
    owners: dict[str, Share]
    """Equity share of each firm (0-1, summing to at most 1)."""
    fixed_cost: NonNeg = 0.0
    """Cost of operating the plant (money/year), paid when it is open."""
    investment_cost: NonNeg = 0.0
    """Capital to open the plant (money;
    a yearly annuity in the cost of a one-period instance, an outlay when built in a
    multi-period one; counts in capital budgets)."""
    max_tier: Tier = "high"
    """Highest product tier the plant is capable of; lines above it are unavailable."""
    assembly_capacity: NonNeg | None = None
    """Most capacity units of products per year; omitted = unbounded."""
    expansion: Expansion | None = None
    """Modules that add to ``assembly_capacity``, optionally funded by a partner for equity
    (family 17); needs an ``assembly_capacity``."""
    lines: dict[str, Line] = Field(default_factory=dict)
    """Products the plant may make, by product id."""
    components: dict[str, MakeOption] = Field(default_factory=dict)
    """Components the plant may make in-house, by component id."""
    max_lead_time: dict[str, NonNeg] = Field(default_factory=dict)
    """Days by component id: flows of it into the plant taking longer are not offered."""
    currency: CurrencyRef | None = None
    """Currency of this record's money numbers: ``local`` (its country's) or a currency id;
    omitted = the model's money (``docs/formulation.md``, section 24)."""
    runs_without: list[str] | None = None
    """Owners the entity may run without in a coalition that leaves them out (alliance
    analysis, ``docs/alliance.md``); omitted = it runs only when all its owners are in."""
    provenance: Provenance = None
    """Where this record's numbers come from."""

    _owners_sum = field_validator("owners")(_check_owner_shares)

    @model_validator(mode="after")
    def _runs_without_owners(self) -> Any:
        _check_runs_without(self.owners, self.runs_without)
        return self


class SupplyOffer(Base):
    """What a supplier pool offers of one component."""

    unit_price: NonNeg
    """Price per unit at the supplier (money/unit)."""
    capacity: NonNeg | None = None
    """Most units per year; omitted = unbounded."""
    quality: Tier = "medium"
    """Quality level of the component from this pool."""


class Access(Base):
    """Who may buy from a supplier pool without a purchasing office."""

    firms: list[str] | None = None
    """Plants with equity of any of these firms may buy."""
    plants: list[str] | None = None
    """These plants may buy."""


class Supplier(Base):
    """An external supplier pool in a country."""

    name: str | None = None
    """Readable name."""
    country: str
    """Country id (where it ships from to plants outside ``serves``)."""
    serves: list[str] | None = None
    """A regional pool: countries where it also delivers from within the buyer's country
    (a plant in one of them buys on its own country's lane, without tariff; one pool, one
    capacity); omitted = it ships from ``country`` only (``docs/formulation.md``,
    section 27)."""
    access: Access | None = None
    """Who may buy; omitted = every plant."""
    components: dict[str, SupplyOffer]
    """Offers by component id."""
    currency: CurrencyRef | None = None
    """Currency of this record's money numbers: ``local`` (its country's) or a currency id;
    omitted = the model's money (``docs/formulation.md``, section 24)."""
    provenance: Provenance = None
    """Where this record's numbers come from."""

    def ships_from(self, to_country: str) -> str:
        """The country the pool ships from to a plant in ``to_country``: that country itself
        when the pool serves it (``serves``, a regional pool: family 27), else ``country``."""
        return to_country if self.serves and to_country in self.serves else self.country


class DemandEntry(Base):
    """Demand for one product in one market: a quantity at a price, or a demand curve."""

    quantity: NonNeg | None = None
    """Units per year the market buys at most; with a ``curve`` it may be left out (the
    total of the steps) and must equal that total if given."""
    price: NonNeg | None = None
    """Price per unit paid by the market (money/unit); with a ``curve`` it may be left out
    (the first step's price) and must equal that price if given."""
    min_served: Share = 0.0
    """Share of the quantity that must be served (1 = all demand is a hard requirement)."""
    curve: Curve | None = None
    """Price-responsive demand (family 16): steps of (quantity units/year, price), prices
    not rising; the market buys each step's units at the step's price. Omitted: the fixed
    quantity at the fixed price."""

    _filled = model_validator(mode="after")(fill_from_curve)


class Market(Base):
    """A market (or a customer segment of one) in a country."""

    name: str | None = None
    """Readable name."""
    country: str
    """Country id (for trade costs)."""
    demand: dict[str, DemandEntry] = Field(default_factory=dict)
    """Demand by product id."""
    max_lead_time: NonNeg | None = None
    """Days: sales arcs with a longer lead time are not offered; omitted = no limit."""
    max_average_lead_time: NonNeg | None = None
    """Days: most quantity-weighted average lead time of what the market receives."""
    currency: CurrencyRef | None = None
    """Currency of this record's money numbers: ``local`` (its country's) or a currency id;
    omitted = the model's money (``docs/formulation.md``, section 24)."""
    provenance: Provenance = None
    """Where this record's numbers come from."""


class Channel(Asset):
    """A sales channel: which output it may carry to which markets.

    Filters left out do not restrict. A sale of product i from plant p to market m through
    the channel is allowed when m is among ``markets`` and p, i pass every given filter.
    """

    name: str | None = None
    """Readable name."""
    owners: dict[str, Share] = Field(default_factory=dict)
    """Equity share of each firm in the channel's profit (0-1, summing to at most 1)."""
    markets: list[str]
    """Markets reached."""
    country: str | None = None
    """Country id where the channel's profit is taxed (family 22); omitted = untaxed."""
    plants: list[str] | None = None
    """Only output of these plants."""
    plant_owners: list[str] | None = None
    """Only output of plants with equity of one of these firms."""
    product_firms: list[str] | None = None
    """Only products designed by these firms."""
    products: list[str] | None = None
    """Only these products."""
    tiers: list[Tier] | None = None
    """Only products of these tiers."""
    fixed_cost: NonNeg = 0.0
    """Cost of running the channel (money/year), paid when it carries anything."""
    investment_cost: NonNeg = 0.0
    """Capital to open the channel (money;
    a yearly annuity in the cost of a one-period instance, an outlay when built in a
    multi-period one; counts in capital budgets)."""
    unit_cost: NonNeg = 0.0
    """Selling and service cost per unit sold (money/unit), borne by the channel."""
    margin_rate: Share = 0.0
    """Share of the sale price the channel keeps; the plant receives the rest."""
    capacity: NonNeg | None = None
    """Most units per year; omitted = unbounded."""
    currency: CurrencyRef | None = None
    """Currency of this record's money numbers: ``local`` (its country's) or a currency id;
    omitted = the model's money (``docs/formulation.md``, section 24)."""
    runs_without: list[str] | None = None
    """Owners the entity may run without in a coalition that leaves them out (alliance
    analysis, ``docs/alliance.md``); omitted = it runs only when all its owners are in."""
    provenance: Provenance = None
    """Where this record's numbers come from."""

    _owners_sum = field_validator("owners")(_check_owner_shares)

    @model_validator(mode="after")
    def _runs_without_owners(self) -> Any:
        _check_runs_without(self.owners, self.runs_without)
        return self


class PurchasingOffice(Asset):
    """An office that qualifies a supplier pool for plants that may not use it otherwise."""

    name: str | None = None
    """Readable name."""
    country: str
    """Country id."""
    owners: dict[str, Share] = Field(default_factory=dict)
    """Equity share of each firm (0-1, summing to at most 1)."""
    fixed_cost: NonNeg = 0.0
    """Cost of running the office (money/year), paid when it is open."""

    _owners_sum = field_validator("owners")(_check_owner_shares)
    investment_cost: NonNeg = 0.0
    """Capital to open the office (money;
    a yearly annuity in the cost of a one-period instance, an outlay when built in a
    multi-period one; counts in capital budgets)."""
    suppliers: list[str]
    """Supplier pools it qualifies."""
    plants: list[str]
    """Plants it qualifies them for."""
    currency: CurrencyRef | None = None
    """Currency of this record's money numbers: ``local`` (its country's) or a currency id;
    omitted = the model's money (``docs/formulation.md``, section 24)."""
    runs_without: list[str] | None = None
    """Owners the entity may run without in a coalition that leaves them out (alliance
    analysis, ``docs/alliance.md``); omitted = it runs only when all its owners are in."""
    provenance: Provenance = None
    """Where this record's numbers come from."""

    @model_validator(mode="after")
    def _runs_without_owners(self) -> Any:
        _check_runs_without(self.owners, self.runs_without)
        return self


class SourceFilter(Base):
    """Which component sources a sourcing rule counts (any that matches one given filter)."""

    countries: list[str] | None = None
    """Sources (plants or supplier pools) in these countries."""
    firms: list[str] | None = None
    """Plants with equity of one of these firms."""
    plants: list[str] | None = None
    """These plants."""
    suppliers: list[str] | None = None
    """These supplier pools."""

    @model_validator(mode="after")
    def _not_empty(self) -> SourceFilter:
        if not any([self.countries, self.firms, self.plants, self.suppliers]):
            msg = "give at least one of countries, firms, plants, suppliers"
            raise ValueError(msg)
        return self


class SourcingRule(Base):
    """Bounds on the share of a plant's component supply that comes from given sources."""

    id: Name | None = None
    """Name of the rule in messages and diagnoses; omitted = ``rule<index>`` (``rule0`` for
    the first rule of ``sourcing_rules``)."""
    plant: str | None = None
    """Plant whose supply is bounded (give ``plant`` or ``plants``, exactly one)."""
    plants: list[str] | None = None
    """Several plants whose supply is counted together (family 25): one share of their
    combined supply."""
    customers: SourcingCustomers | None = None
    """Count only the components that go into what the plant(s) sell to these markets
    (family 25; only ``min_share``, by units); omitted = all the plants' supply."""
    components: list[str] | None = None
    """Components counted; omitted = all the plant uses (with ``customers``: all in the
    bills of materials of its products)."""
    sources: SourceFilter
    """Sources whose share is bounded."""
    min_share: Share = 0.0
    """Least share of the plant's supply of those components."""
    max_share: Share = 1.0
    """Largest share of the plant's supply of those components."""
    basis: Literal["quantity", "value"] = "quantity"
    """Share by units, or by value (transfer price or supplier price)."""
    provenance: Provenance = None
    """Where the rule comes from."""

    @model_validator(mode="after")
    def _order(self) -> SourcingRule:
        if self.min_share > self.max_share:
            msg = f"min_share {self.min_share:g} exceeds max_share {self.max_share:g}"
            raise ValueError(msg)
        problem = rule_shape_problem(plant=self.plant, plants=self.plants, customers=self.customers,
                                     max_share=self.max_share, basis=self.basis)
        if problem:
            raise ValueError(problem)
        return self

    @property
    def plant_ids(self) -> list[str]:
        """The plants whose supply the rule counts (``[plant]`` or ``plants``)."""
        return [self.plant] if self.plant is not None else list(self.plants or [])


class Objective(Base):
    """What the optimum maximises."""

    mode: str = "alliance"
    """``alliance`` (total profit of all entities, or of ``firms`` equity-weighted) or
    ``firm:ID`` (that firm's equity-weighted profit)."""
    firms: list[str] | None = None
    """With ``alliance``: count only these firms' equity-weighted profits."""

    @field_validator("mode")
    @classmethod
    def _mode(cls, mode: str) -> str:
        if mode != "alliance" and not (mode.startswith("firm:") and len(mode) > 5):
            msg = f"mode {show(mode)} must be 'alliance' or 'firm:ID'"
            raise ValueError(msg)
        return mode


class Instance(Base):
    """A whole gpnopt instance, after scenarios are applied."""

    name: str
    """Instance name."""
    description: str = ""
    """What the instance represents."""
    units: Units = Field(default_factory=Units)
    """Units of its numbers."""
    countries: dict[Name, Country]
    """Countries, by id."""
    firms: dict[Name, Firm]
    """Firms, by id."""
    components: dict[Name, Component] = Field(default_factory=dict)
    """Components, by id; none = products need no components."""
    products: dict[Name, Product]
    """Products, by id."""
    plants: dict[Name, Plant]
    """Plants, by id."""
    suppliers: dict[Name, Supplier] = Field(default_factory=dict)
    """External supplier pools, by id."""
    markets: dict[Name, Market]
    """Markets (and segments), by id."""
    channels: dict[Name, Channel] | None = None
    """Sales channels, by id; omitted = every plant sells directly into every market."""
    purchasing_offices: dict[Name, PurchasingOffice] = Field(default_factory=dict)
    """Purchasing offices, by id."""
    exclusive_groups: dict[Name, list[str]] = Field(default_factory=dict)
    """Groups of alternative plants (entry modes) of which at most one opens."""
    purchasing_pools: dict[Name, PurchasingPool] = Field(default_factory=dict)
    """Joint purchasing with volume discounts, by id (``docs/formulation.md``, section 21)."""
    sourcing_rules: list[SourcingRule] = Field(default_factory=list)
    """Sourcing-share rules."""
    trade: Trade = Field(default_factory=Trade)
    """Transport costs, tariffs and component trade rules."""
    objective: Objective = Field(default_factory=Objective)
    """Default objective (the CLI's ``--objective`` overrides it)."""
    expectations: list[Expectation] = Field(default_factory=list)
    """Checks of the solution."""
    notes: dict[str, Any] = Field(default_factory=dict)
    """Free-form notes (not used by the model)."""
    periods: list[Period] = Field(default_factory=list)
    """Planning periods in order; omitted = one period (``docs/formulation.md``, Periods)."""
    finance: Finance = Field(default_factory=Finance)
    """Discount rate and asset lifetime (capital charges and the net present value)."""
    taxes: Taxes | None = None
    """Profit tax by country and its incentives (family 22); omitted = no tax."""
    currencies: dict[Name, Currency] = Field(default_factory=dict)
    """Exchange rates by currency id; records state theirs (``currency``)."""
    acquisitions: dict[Name, Acquisition] = Field(default_factory=dict)
    """Acquisitions, by id: one decision that brings several plants and channels at a price
    (family 26, ``docs/formulation.md`` section 26)."""

    _periods_valid = field_validator("periods")(check_periods)

    _scenario: str | None = PrivateAttr(default=None)
    _by_period: dict[str, Instance] = PrivateAttr(default_factory=dict)
    """The instances of the periods after the first (set by the loader, gpnopt.timeseries)."""

    @model_validator(mode="before")
    @classmethod
    def _rule_ids(cls, data: Any) -> Any:
        """Give each sourcing rule without an ``id`` its default ``rule<index>`` (on a copy)."""
        if not isinstance(data, dict) or not isinstance(data.get("sourcing_rules"), list):
            return data
        rules = [
            {**r, "id": f"rule{n}"} if isinstance(r, dict) and r.get("id") is None else r
            for n, r in enumerate(data["sourcing_rules"])
        ]
        return {**data, "sourcing_rules": rules}

    @property
    def scenario(self) -> str | None:
        """The scenario this instance was loaded with (``None`` for the file as written)."""
        return self._scenario


class ScenarioSpec(Base):
    """A named scenario: overrides applied together (in the order listed)."""

    description: str = ""
    """What the scenario represents."""
    overrides: list[Name] = Field(default_factory=list)
    """Names of the overrides it applies."""


def _scenario_shorthand(value: Any) -> Any:
    """Allow a plain list of override names for ``{overrides: [...]}``."""
    return {"overrides": value} if isinstance(value, list) else value


Scenario = Annotated[
    ScenarioSpec,
    BeforeValidator(_scenario_shorthand, json_schema_input_type=list[Name] | ScenarioSpec),
]
"""A scenario: a list of override names, or a :class:`ScenarioSpec` mapping."""


class InstanceFile(Instance):
    """The file form of an instance: an instance plus its overrides and scenarios."""

    imports: list[str] = Field(default_factory=list)
    """Files (relative to this one) with more ``overrides`` and ``scenarios``; one of them may
    be an instance: the base this file is deep-merged onto."""
    overrides: dict[Name, dict[str, Any] | None] = Field(default_factory=dict)
    """Named deep-merge patches of the instance (in a file built on a base, ``name: null``
    removes one the base defines)."""
    scenarios: dict[Name, Scenario | None] = Field(default_factory=dict)
    """Named scenarios: a list of override names, or a mapping with ``overrides`` (list)
    and ``description`` (in a file built on a base, ``name: null`` removes one the base
    defines)."""
