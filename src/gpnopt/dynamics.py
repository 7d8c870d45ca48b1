"""The schema of time: periods, finance, assets over time, learning and unlocks.

An instance with ``periods:`` is a multi-period instance (``docs/formulation.md``, section
"Periods"); without, it is one period. The models here are parts of :mod:`gpnopt.schema`:

- :class:`Period` and :class:`Finance` are the instance's ``periods:`` and ``finance:``.
- :class:`Asset` holds the fields every asset with a build decision shares (plants, lines,
  make options, channels, purchasing offices): whether it exists at the start, its closure
  cost, its lifetime and the years it is available.
- :class:`LearningStep` and :class:`Requirement` are a line's or make option's learning
  curve and unlock condition.

Shape rules only; cross-references (a requirement's plant and product) are checked in
:mod:`gpnopt.checks`. No Pyomo here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import Field, model_validator

from gpnopt.fields import Base, Name, NonNeg, Positive, Provenance, Rate, Tier

Year = Annotated[int, Field(ge=1800, le=2300)]
"""A calendar year."""

ONE_PERIOD = "P1"
"""The id of the one period of an instance without ``periods:``."""


class Period(Base):
    """A planning period: a run of years whose decisions and flows are the same each year."""

    id: Name
    """Period id (used as the last index of every variable and in every result table)."""
    start: Year
    """First year of the period."""
    length: Annotated[int, Field(ge=1, le=100)] | None = None
    """Years in the period; omitted = up to the next period's start (the last period: 1)."""
    provenance: Provenance = None
    """Where the period's dating comes from."""


class Finance(Base):
    """How money at different times is compared: discounting and asset lifetimes."""

    discount_rate: Rate = 0.08
    """Yearly discount rate (a fraction; default 8%, an assumed cost of capital of a
    mid-size manufacturer)."""
    asset_lifetime: Annotated[float, Field(gt=0, le=200)] = 10.0
    """Lifetime of an asset whose ``lifetime`` is not given (years): the annuity of a
    one-period instance and the salvage value at the horizon's end use it."""
    salvage: bool = True
    """Credit, at the end of the horizon, the straight-line residual value of each asset
    still in its lifetime (so late investments are not penalised by the horizon's end)."""
    provenance: Provenance = None
    """Where the rate and lifetime come from."""


class Asset(Base):
    """Fields of everything that is built (plants, lines, make options, channels, offices)."""

    existing: bool = False
    """The asset exists when the horizon starts: no investment to open it, it may close."""
    closure_cost: NonNeg = 0.0
    """One-off cost of closing the asset (money), in the period it closes."""
    lifetime: Annotated[float, Field(gt=0, le=200)] | None = None
    """Years the investment lasts; omitted = ``finance.asset_lifetime``."""
    available_from: Annotated[int, Field(ge=1800, le=2300)] | None = None
    """First year the option exists (periods starting earlier cannot use it); needs
    ``periods:``."""
    available_until: Annotated[int, Field(ge=1800, le=2300)] | None = None
    """Last year the option exists (it closes before a period starting later); needs
    ``periods:``."""

    @model_validator(mode="after")
    def _available_order(self) -> Any:
        lo, hi = self.available_from, self.available_until
        if lo is not None and hi is not None and hi < lo:
            msg = f"available_until ({hi}) is before available_from ({lo})"
            raise ValueError(msg)
        return self


class LearningStep(Base):
    """One step of a learning curve: what changes once cumulative output passes ``after``."""

    after: Positive
    """Cumulative output (units, made in earlier periods) that unlocks the step."""
    unit_cost: NonNeg | None = None
    """Unit cost from then on (money/unit); below the previous step's."""
    quality: Tier | None = None
    """Quality level of the output from then on (make options only); never lower."""
    provenance: Provenance = None
    """Where the step comes from."""

    @model_validator(mode="after")
    def _changes_something(self) -> Any:
        if self.unit_cost is None and self.quality is None:
            msg = "a learning step changes unit_cost, quality or both; this one changes neither"
            raise ValueError(msg)
        return self


class OutputRequirement(Base):
    """Cumulative output of one line or make option, in earlier periods."""

    plant: str
    """Plant id."""
    product: str | None = None
    """Product id (the plant's line); give this or ``component``."""
    component: str | None = None
    """Component id (the plant's make option); give this or ``product``."""
    quantity: Positive
    """Cumulative units made before the period (units)."""

    @model_validator(mode="after")
    def _one_item(self) -> Any:
        if (self.product is None) == (self.component is None):
            msg = "name exactly one of product and component"
            raise ValueError(msg)
        return self


class OutputSource(Base):
    """The line or make option whose cumulative output a learning curve counts."""

    plant: str
    """Plant id."""
    product: str | None = None
    """Product id (the plant's line); give this or ``component``."""
    component: str | None = None
    """Component id (the plant's make option); give this or ``product``."""

    @model_validator(mode="after")
    def _one_item(self) -> Any:
        if (self.product is None) == (self.component is None):
            msg = "name exactly one of product and component"
            raise ValueError(msg)
        return self


class Training(Base):
    """A training programme that unlocks a capability after a lag."""

    cost: NonNeg
    """One-off cost of the programme (money), in the period it starts."""
    lag: Annotated[int, Field(ge=0, le=50)] = 1
    """Periods from the programme's start to the first period the capability is usable."""
    provenance: Provenance = None
    """Where the cost and lag come from."""


class Requirement(Base):
    """What a line or make option needs before it may run (either condition unlocks it)."""

    output: OutputRequirement | None = None
    """Cumulative output that unlocks it (learning by doing)."""
    training: Training | None = None
    """A training programme that unlocks it."""

    @model_validator(mode="after")
    def _some_condition(self) -> Any:
        if self.output is None and self.training is None:
            msg = "a requirement names output, training or both"
            raise ValueError(msg)
        return self


class Learnable(Asset):
    """Fields of a line or make option: an asset that can learn and be unlocked."""

    learning: list[LearningStep] = Field(default_factory=list)
    """Learning curve: steps in increasing ``after``, each lowering the unit cost or raising
    the quality."""
    requires: Requirement | None = None
    """Condition before the option may run (cumulative output or training); omitted = none."""
    learning_from: OutputSource | None = None
    """Whose cumulative output the ``learning`` steps count: another line or make option (a
    spillover, such as a subsidiary's output lowering its parent's cost); omitted = the
    option's own."""

    @model_validator(mode="after")
    def _learning_order(self) -> Any:
        cost = getattr(self, "unit_cost", None)
        last_after = 0.0
        for n, step in enumerate(self.learning):
            if step.after <= last_after:
                msg = f"learning[{n}].after ({step.after:g}) must exceed the step before ({last_after:g})"
                raise ValueError(msg)
            last_after = step.after
            if step.unit_cost is not None:
                if cost is not None and step.unit_cost >= cost:
                    msg = (
                        f"learning[{n}].unit_cost ({step.unit_cost:g}) never decreases the cost: "
                        f"it must be below {cost:g}, the cost before the step"
                    )
                    raise ValueError(msg)
                cost = step.unit_cost
        return self


def check_periods(periods: list[Period]) -> list[Period]:
    """Period ids are distinct, starts increase, and stated lengths leave no gap or overlap."""
    seen: set[str] = set()
    for n, p in enumerate(periods):
        if p.id in seen:
            msg = f"period id {p.id!r} is given twice"
            raise ValueError(msg)
        seen.add(p.id)
        if n + 1 < len(periods):
            nxt = periods[n + 1]
            if nxt.start <= p.start:
                msg = f"periods must start in increasing years: {p.id} {p.start}, {nxt.id} {nxt.start}"
                raise ValueError(msg)
            if p.length is not None and p.start + p.length != nxt.start:
                msg = (
                    f"period {p.id} ({p.start}, length {p.length}) must end where {nxt.id} starts "
                    f"({nxt.start}): omit its length or make it {nxt.start - p.start}"
                )
                raise ValueError(msg)
    return periods


def period_lengths(periods: list[Period]) -> dict[str, int]:
    """Years in each period, by id (a stated length, else up to the next start; last: 1)."""
    out: dict[str, int] = {}
    for n, p in enumerate(periods):
        if p.length is not None:
            out[p.id] = p.length
        elif n + 1 < len(periods):
            out[p.id] = periods[n + 1].start - p.start
        else:
            out[p.id] = 1
    return out


def annuity(rate: float, years: float) -> float:
    """Yearly payment that repays 1 over ``years`` at ``rate``: r / (1 - (1+r)^-n); 1/n at r=0."""
    if rate == 0:
        return 1.0 / years
    return rate / (1.0 - (1.0 + rate) ** -years)


@dataclass(frozen=True)
class Horizon:
    """The periods of an instance with their years and discount weights.

    ``operating_weight[t]`` is W_t = sum over the years y of t of (1+r)^-(y-y0) (what one year's
    profit in t is worth at y0); ``outlay_weight[t]`` is D_t = (1+r)^-(start_t-y0) (an outlay
    at t's start); ``end_weight`` discounts the horizon's end year (salvage). A one-period
    instance has one period :data:`ONE_PERIOD` of weight 1 and ``single`` true.
    """

    ids: tuple[str, ...]
    start: dict[str, int | None]
    length: dict[str, int]
    operating_weight: dict[str, float]
    outlay_weight: dict[str, float]
    end_year: int | None
    end_weight: float
    finance: Finance
    single: bool

    def index(self, period: str) -> int:
        """Position of ``period`` in the horizon (0 for the first)."""
        return self.ids.index(period)


def make_horizon(periods: list[Period], finance: Finance) -> Horizon:
    """The :class:`Horizon` of ``periods`` (none = the one period :data:`ONE_PERIOD`)."""
    if not periods:
        return Horizon(
            ids=(ONE_PERIOD,),
            start={ONE_PERIOD: None},
            length={ONE_PERIOD: 1},
            operating_weight={ONE_PERIOD: 1.0},
            outlay_weight={ONE_PERIOD: 1.0},
            end_year=None,
            end_weight=1.0,
            finance=finance,
            single=True,
        )
    r = finance.discount_rate
    y0 = periods[0].start
    lengths = period_lengths(periods)
    ids = tuple(p.id for p in periods)
    start = {p.id: p.start for p in periods}
    operating = {
        t: sum((1.0 + r) ** -(y - y0) for y in range(start[t], start[t] + lengths[t])) for t in ids
    }
    outlay = {t: (1.0 + r) ** -(start[t] - y0) for t in ids}
    end = start[ids[-1]] + lengths[ids[-1]]
    return Horizon(
        ids=ids,
        start=start,
        length=lengths,
        operating_weight=operating,
        outlay_weight=outlay,
        end_year=end,
        end_weight=(1.0 + r) ** -(end - y0),
        finance=finance,
        single=False,
    )


__all__ = [
    "ONE_PERIOD",
    "Horizon",
    "annuity",
    "make_horizon",
    "Asset",
    "Finance",
    "Learnable",
    "LearningStep",
    "OutputRequirement",
    "OutputSource",
    "Period",
    "Requirement",
    "Training",
    "Year",
    "check_periods",
    "period_lengths",
]
