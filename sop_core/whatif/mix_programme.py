"""The programme of the cheapest mix (`optimizer`): variables, cover rows, bounds, HiGHS.

Formulation (a mixed-integer programme solved by HiGHS through `scipy.optimize.milp`):
- variables per workshop w and ISO week k, from the as-of week to the week of the last deadline the
  target needs: overtime hours per person o[w,k] in 0..min(overtime_max_hours_per_person_week, 48 -
  hours_per_week), temps t[w,k] integer in 0..temp_max_headcount, subcontract hours s[w,k] in
  0..subcontract_max_hours_per_week. A lever works the working days of its week from as_of (temps and
  subcontract from their lead time on), so each variable adds a fixed productive capacity per covered
  working day (the formulas of `simulation`) and costs a fixed amount per covered working day.
- deadline of an order: its planned end rolled to a working day (on-time), plus its workshop's
  tolerance in working days ("no red"); capped at the horizon's last day.
- cover rows (the earliest-due-date condition): the projection serves each workshop's orders in
  due-date order, an order waiting for its release (planned start). An order ends by its deadline D
  when, for every window [s, D], the workshop's capacity in the window holds the remaining hours of
  the order and of the orders served before it that are released in the window (then their work is
  all done by D). With the weekly variables: base capacity in [s, D] + sum over weeks of (covered
  working days of the week in [s, D]) x (capacity per day of the variable) >= those hours. The window
  from as_of (s = 0) is the whole prefix; a later s matters when planned starts leave capacity idle.
  The programme starts with, per order, the window from as_of and the windows the base capacity and
  the capacity with every lever at its limit fail the most; after each solve the answer is
  simulated, and for each order it still misses the window its capacity fails the most is added
  (row generation, `MAX_ITERATIONS` rounds at most). The condition is sufficient, so the answer of
  the programme holds in the simulation once its rows are there.
- "no red": every counted order needs its rows. On-time rate: a binary z[i] per counted order late in
  the baseline (orders on time in the baseline stay on time, more capacity never makes an order
  later), rows >= need x z[i], and sum z >= the orders missing to the rate. z[j] <= z[i] when j is
  served right after i with the same deadline (j's work includes i's). An order whose own rows cost
  more (fractional bound) than a known mix is in no cheapest mix and gets no binary.
- objective: the paid cost of `simulation` (overtime at regular x (1 + premium), temps at
  temp_cost_per_hour on their weekly hours, subcontract at subcontract_cost_per_hour on the capacity
  booked, an upper bound of the hours it will use).
Sizes are rounded up (hundredths of an hour, whole temps), which only adds capacity.
Limits: HiGHS stops at a 1% gap (`MIP_GAP`) or after `SOLVE_SECONDS` per programme; with an on-time
rate over hundreds of late orders it then keeps the best mix found, and `MixResult.proven` is False:
a slightly cheaper mix may exist.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_matrix

from sop_core.production import week_start
from sop_core.whatif.levers import (
    LEGAL_MAX_HOURS_PER_WEEK,
    LEVER_KINDS,
    Lever,
    Overtime,
    Plan,
    Subcontract,
    TempWorkers,
)

MARGIN_HOURS = 1e-6  # asked on top of each cover (the projection's own EPS absorbs float noise)
# Time given to each programme, and to the whole search: HiGHS then keeps its best mix, not proven the
# cheapest. With an on-time rate over hundreds of late orders it finds a mix within a few percent of its
# best in about 3 s, then may spend minutes proving it (bench/RESULTS.md).
SOLVE_SECONDS = 3.0
TIME_LIMIT_SECONDS = 20.0
# A mix within 1% of the programme's cheapest is good enough: the last percent is where HiGHS spends its
# time (on-time rate, hundreds of binaries), and it is below the precision of the costs themselves.
MIP_GAP = 0.01


@dataclass(frozen=True)
class MixModel:
    """Data of the programme: the engine's orders in service order, capacities, lever coefficients."""

    as_of: dt.date
    names: tuple[str, ...]
    mondays: list[dt.date]
    mo_id: np.ndarray
    shop: np.ndarray  # workshop index per order
    first: np.ndarray  # index of the first order of the order's workshop (service order)
    hours: np.ndarray  # remaining hours
    release: np.ndarray  # day index the order may start
    due: np.ndarray  # day index of the rolled planned end (may be < 0 or >= horizon)
    slack: np.ndarray  # day index of the rolled planned end + tolerance
    base_cum: np.ndarray  # workshops x days, cumulative base capacity
    covered_cum: np.ndarray  # kinds x workshops x weeks x days: covered working days of week k up to day d
    per_day: np.ndarray  # kinds x workshops: productive hours per covered day per unit of the variable
    cost: np.ndarray  # kinds x workshops x weeks: cost per unit of the variable
    upper: np.ndarray  # kinds x workshops x weeks: size limit (0: the lever cannot be played that week)


def build_model(plan: Plan) -> MixModel:
    engine = plan.engine(0)
    book, names, horizon = engine.book, engine.names, plan.settings.horizon_days
    shops = plan.parameters.loc[list(names)]
    working = np.is_busday(engine.as_of + np.arange(horizon), busdaycal=engine.calendar)
    offset = plan.as_of.weekday()
    weeks = (horizon - 1 + offset) // 7 + 1
    week_of = (np.arange(horizon) + offset) // 7
    rolled = np.busday_offset(book.end, 0, roll="forward", busdaycal=engine.calendar)
    late_ok = np.busday_offset(rolled, engine.tolerance[book.shop], roll="forward", busdaycal=engine.calendar)

    leads = {"overtime": np.zeros(len(names)), "temps": np.ceil(shops["temp_lead_time_days"].to_numpy()),
             "subcontract": np.ceil(shops["subcontract_lead_time_days"].to_numpy())}
    covered_cum = np.zeros((len(LEVER_KINDS), len(names), weeks, horizon))
    for kind_index, kind in enumerate(LEVER_KINDS):
        for w in range(len(names)):
            covered = working & (np.arange(horizon) >= leads[kind][w])
            one_hot = np.zeros((weeks, horizon))
            one_hot[week_of[covered], np.flatnonzero(covered)] = 1.0
            covered_cum[kind_index, w] = np.cumsum(one_hot, axis=1)
    paid_day = np.stack([(shops["headcount"] / 5).to_numpy(), (shops["hours_per_week"] / 5).to_numpy(),
                         np.full(len(names), 0.2)])
    rate = np.stack([(shops["regular_cost_per_hour"] * (1 + shops["overtime_premium"])).to_numpy(),
                     shops["temp_cost_per_hour"].to_numpy(), shops["subcontract_cost_per_hour"].to_numpy()])
    per_day = np.stack([paid_day[0] * shops["efficiency"].to_numpy(),
                        paid_day[1] * (shops["efficiency"] * shops["temp_productivity"]).to_numpy(), paid_day[2]])
    limit = np.stack([
        np.clip(np.minimum(shops["overtime_max_hours_per_person_week"].to_numpy(),
                           LEGAL_MAX_HOURS_PER_WEEK - shops["hours_per_week"].to_numpy()), 0, None),
        np.floor(shops["temp_max_headcount"].to_numpy() + 1e-9), shops["subcontract_max_hours_per_week"].to_numpy()])
    limit = np.where(rate >= 0, limit, 0.0)  # no cost known: the lever cannot be played
    cost = covered_cum[:, :, :, -1] * (paid_day * np.nan_to_num(rate))[:, :, None]
    upper = np.where(cost > 0, limit[:, :, None], 0.0)  # a week with no covered day
    today = engine.as_of
    return MixModel(as_of=plan.as_of, names=names, mondays=[week_start(plan.as_of) + dt.timedelta(weeks=k)
                                                         for k in range(weeks)],
                  mo_id=book.frame["mo_id"].to_numpy().astype(str), shop=book.shop,
                  first=np.searchsorted(book.shop, book.shop), hours=book.hours, release=engine.release,
                  due=(rolled - today).astype(np.int64), slack=(late_ok - today).astype(np.int64),
                  base_cum=np.cumsum(engine.capacity[:, :horizon], axis=1), covered_cum=covered_cum,
                  per_day=per_day, cost=cost, upper=upper)


def _released_work(model: MixModel, order: int, start: int) -> float:
    """Hours of the order and of those served before it in its workshop released from day `start` on."""
    mine = slice(model.first[order], order + 1)
    return float(model.hours[mine][model.release[mine] >= start].sum())


def most_violated(model: MixModel, order: int, deadline: int, capacity_cum: np.ndarray) -> tuple[int, float]:
    """The first day s of the window [s, deadline] whose capacity (`capacity_cum`: the workshop's
    cumulative capacity per day) falls the furthest short of the work released in it, and by how much."""
    mine = slice(model.first[order], order + 1)
    release, hours = model.release[mine], model.hours[mine]
    starts = np.unique(release[release <= deadline])
    if not len(starts):
        return 0, 0.0
    work = np.array([hours[release >= s].sum() for s in starts])
    before = np.where(starts > 0, capacity_cum[np.maximum(starts - 1, 0)], 0.0)
    short = work - (capacity_cum[deadline] - before)
    worst = int(np.argmax(short))
    return int(starts[worst]), float(short[worst])


def cover_rows(model: MixModel, orders: np.ndarray, deadline: np.ndarray,
               start: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cover coefficients (rows x variables, variables kinds x workshops x weeks) and the hours needed:
    the capacity of the days start..deadline must hold the work of the order and of those served
    before it released in those days."""
    day = np.clip(deadline, 0, model.covered_cum.shape[3] - 1)
    before = start - 1
    shop = model.shop[orders]
    base = model.base_cum[shop, day] - np.where(before >= 0, model.base_cum[shop, np.maximum(before, 0)], 0.0)
    work = np.array([_released_work(model, int(o), int(s)) for o, s in zip(orders, start, strict=True)])
    return window_coefficients(model, shop, start, day), work - base + MARGIN_HOURS


def window_coefficients(model: MixModel, shop: np.ndarray, first: np.ndarray, last: np.ndarray) -> np.ndarray:
    """Rows x variables: the productive hours each variable adds to workshop `shop[r]` on the days
    `first[r]`..`last[r]` (day indices from as_of, both included)."""
    kinds, shops, weeks, _ = model.covered_cum.shape
    before = first - 1
    coefficients = np.zeros((len(shop), kinds, shops, weeks))
    for kind in range(kinds):
        covered = model.covered_cum[kind, shop, :, last] - np.where(
            before[:, None] >= 0, model.covered_cum[kind, shop, :, np.maximum(before, 0)], 0.0)
        coefficients[np.arange(len(shop)), kind, shop] = covered * model.per_day[kind, shop][:, None]
    return coefficients.reshape(len(shop), kinds * shops * weeks)


@dataclass(frozen=True)
class Solution:
    sizes: np.ndarray  # kinds x workshops x weeks
    weights: np.ndarray  # per candidate: its binary's value (0..1 in the relaxation)
    proven: bool  # HiGHS proved it within MIP_GAP of the cheapest

    @property
    def chosen(self) -> np.ndarray:
        """Per candidate: the programme keeps it on time."""
        return np.asarray(self.weights > 0.5)


def chains(shop: np.ndarray, deadline: np.ndarray) -> np.ndarray:
    """Pairs (i, j) of candidates (in service order) of one workshop and one deadline, j right after i:
    j on time puts i on time (i's work is part of j's), so z_j <= z_i is valid. It cuts the symmetric
    choices the solver would otherwise explore."""
    key = shop.astype(np.int64) * (int(deadline.max()) + 2 if len(deadline) else 1) + deadline
    order = np.lexsort((np.arange(len(key)), key))
    same = key[order][1:] == key[order][:-1]
    return np.stack([order[:-1][same], order[1:][same]], axis=1)


def solve(model: MixModel, a: np.ndarray, need: np.ndarray, owner: np.ndarray, allowed: np.ndarray | None,
           at_least: int, seconds: float, chains: np.ndarray, relax: bool = False) -> Solution | None:
    """Least-cost variables meeting the cover rows (row r belongs to candidate owner[r]). With `allowed`
    (on-time rate), each candidate has a binary: its rows hold only when it is 1, at least `at_least` are
    1, and a candidate not allowed stays 0. `relax`: every variable continuous (the linear relaxation).
    None when infeasible or out of time without a solution."""
    n = model.cost.size
    m = 0 if allowed is None else len(allowed)
    integrality = np.broadcast_to(np.array([0, 1, 0])[:, None, None], model.cost.shape).ravel()
    matrix = np.hstack([a, np.zeros((len(need), m))])
    constraints = []
    if m:
        matrix[np.arange(len(need)), n + owner] = -need
        count = np.zeros(n + m)
        count[n:] = 1.0
        constraints.append(LinearConstraint(count, at_least, np.inf))
        if len(chains):
            pairs = csr_matrix((np.tile([1.0, -1.0], len(chains)),
                                (np.repeat(np.arange(len(chains)), 2), n + chains.ravel())), shape=(len(chains), n + m))
            constraints.append(LinearConstraint(pairs, 0.0, np.inf))
    lower_rows = np.zeros(len(need)) if m else need
    constraints.append(LinearConstraint(csr_matrix(matrix), lower_rows, np.inf))
    binaries = allowed.astype(float) if allowed is not None else np.zeros(0)
    solution = milp(np.concatenate([model.cost.ravel(), np.zeros(m)]), constraints=constraints,
                    integrality=np.concatenate([integrality, np.ones(m)]) * (not relax),
                    bounds=Bounds(np.zeros(n + m), np.concatenate([model.upper.ravel(), binaries])),
                    options={"time_limit": max(seconds, 0.5), "mip_rel_gap": MIP_GAP})
    if solution.x is None:
        return None
    weights = solution.x[n:] if m else np.ones(int(owner.max()) + 1 if len(owner) else 0)
    return Solution(np.asarray(solution.x[:n]).reshape(model.cost.shape), np.asarray(weights), solution.status == 0)


def rounded(model: MixModel, sizes: np.ndarray) -> np.ndarray:
    """Sizes rounded up (whole temps, hundredths of an hour), within the limits: only adds capacity."""
    up = np.where(np.array([0, 1, 0])[:, None, None] == 1, np.ceil(sizes - 1e-6), np.ceil(sizes * 100 - 1e-3) / 100)
    return np.asarray(np.minimum(up, model.upper))


def capacity_cum(model: MixModel, rounded: np.ndarray) -> np.ndarray:
    """Cumulative capacity per workshop and day with the rounded levers."""
    return np.asarray(model.base_cum + np.einsum("ksw,ks,kswd->sd", rounded, model.per_day, model.covered_cum))


def mix_levers(model: MixModel, rounded: np.ndarray) -> tuple[Lever, ...]:
    """One lever per workshop, kind and run of consecutive weeks of the same size."""
    classes = (Overtime, TempWorkers, Subcontract)
    levers: list[Lever] = []
    for kind, shop in np.ndindex(*rounded.shape[:2]):
        row = rounded[kind, shop]
        k = 0
        while k < len(row):
            if row[k] <= 0:
                k += 1
                continue
            last = k
            while last + 1 < len(row) and row[last + 1] == row[k]:
                last += 1
            levers.append(classes[kind](model.names[shop], model.mondays[k], model.mondays[last], float(row[k])))
            k = last + 1
    return tuple(levers)


@dataclass
class Rows:
    """The cover rows asked so far: candidate (index into the candidates) and first day of the window."""

    owner: np.ndarray
    start: np.ndarray

    def add(self, owner: int, start: int) -> bool:
        """Add a row; False when it is already there."""
        if bool(((self.owner == owner) & (self.start == start)).any()):
            return False
        self.owner, self.start = np.append(self.owner, owner), np.append(self.start, start)
        return True


def _row_bound(cost: np.ndarray, upper: np.ndarray, coefficients: np.ndarray, need: float) -> float:
    """The least cost of one cover row alone, levers continuous (a fractional knapsack: the cheapest
    hours first): a lower bound of the cost of any mix that meets it; inf when no mix can."""
    if need <= 0:
        return 0.0
    useful = np.flatnonzero((coefficients > 0) & (upper > 0))
    ratio = cost[useful] / coefficients[useful]
    order = np.argsort(ratio, kind="stable")
    hours = coefficients[useful][order] * upper[useful][order]
    reached = np.cumsum(hours)
    k = int(np.searchsorted(reached, need - 1e-9))
    if k >= len(order):
        return float("inf")
    return float((cost[useful][order] * upper[useful][order])[:k].sum()
                 + (need - (reached[k - 1] if k else 0.0)) * ratio[order][k])


def candidate_bounds(model: MixModel, a: np.ndarray, need: np.ndarray, owner: np.ndarray, count: int) -> np.ndarray:
    """Per candidate, the largest `_row_bound` of its rows."""
    bounds = np.zeros(count)
    cost, upper = model.cost.ravel(), model.upper.ravel()
    for row in range(len(need)):
        bounds[owner[row]] = max(bounds[owner[row]], _row_bound(cost, upper, a[row], float(need[row])))
    return bounds


def _known_mix_cost(model: MixModel, a: np.ndarray, need: np.ndarray, owner: np.ndarray, kept: np.ndarray,
                    seconds: float) -> float:
    """The cost of the mix keeping the candidates `kept` on time (inf when there is none)."""
    rows = kept[owner]
    known = solve(model, a[rows], need[rows], owner[rows], kept, int(kept.sum()), seconds, np.zeros((0, 2), int))
    return float("inf") if known is None else float(model.cost.ravel() @ known.sizes.ravel())


def screened(model: MixModel, a: np.ndarray, need: np.ndarray, owner: np.ndarray, bounds: np.ndarray,
              at_least: int, seconds: float, chains: np.ndarray) -> np.ndarray:
    """The candidates worth a binary: a candidate whose own bound exceeds the cost of a known mix is in
    no cheapest mix. The known mixes keep on time the `at_least` candidates of the lowest bounds, or the
    `at_least` the linear relaxation leans to most. Hundreds of binaries become tens, and HiGHS proves
    its answer in seconds instead of minutes."""
    allowed = np.isfinite(bounds)
    ceiling = float("inf")
    relaxed = solve(model, a[allowed[owner]], need[allowed[owner]], owner[allowed[owner]], allowed, at_least,
                     seconds, chains, relax=True)
    rankings = [np.where(allowed, bounds, np.inf)]
    if relaxed is not None:
        rankings.append(np.where(allowed, -relaxed.weights + 1e-9 * bounds, np.inf))
    for ranking in rankings:
        kept = np.zeros(len(bounds), dtype=bool)
        kept[np.argsort(ranking, kind="stable")[:at_least]] = True
        ceiling = min(ceiling, _known_mix_cost(model, a, need, owner, kept, seconds))
    return np.asarray(allowed & (bounds <= ceiling * (1 + 1e-9) + 1e-6))


def first_rows(model: MixModel, candidates: np.ndarray, deadline: np.ndarray) -> Rows:
    """Per candidate the whole window from as_of, and the windows the base capacity and the capacity
    with every lever at its limit fail the most: the rows that bind, most of the time, so that the
    first programme's answer already holds in the simulation."""
    rows = Rows(np.arange(len(candidates)), np.zeros(len(candidates), dtype=np.int64))
    for capacity in (model.base_cum, capacity_cum(model, model.upper)):
        for index, order in enumerate(candidates.tolist()):
            day = int(np.clip(deadline[index], 0, capacity.shape[1] - 1))
            start, short = most_violated(model, order, day, capacity[model.shop[order]])
            if start > 0 and short > MARGIN_HOURS:
                rows.add(index, start)
    return rows


