"""The combination's recipe: its members, how they are combined, how wide its intervals are drawn.

Chosen with the forecast bench (`bench/forecast_bench.py --validate`) on validation windows cut from
the training parts of real competition sets, never on their test parts; bench/RESULTS.md lists
every recipe tried with its validation and test figures.
"""

from __future__ import annotations

from dataclasses import dataclass

from sop_core.forecast.models import SeriesContext

# A single model must score below 0.8 x the combination's backtest MASE to be preferred: three windows
# are too few to trust a smaller gap (any edge from 0.6 to 0.85 gives about the same accuracy).
COMBINATION_EDGE = 0.8


@dataclass(frozen=True)
class Recipe:
    """How smooth series are combined and how wide the intervals are drawn. The product runs
    `RECIPE`; the forecast bench's `--validate` compares others on validation windows cut from
    the training parts (bench/RESULTS.md lists every one tried)."""

    members: tuple[str, ...] = ("ets", "theta", "seasonal_naive")
    # "mean" or "median" of the members' forecasts (and of their distances to their bounds), or "weighted": a mean
    # weighted by the inverse of each member's backtest score ("weighted_sq": its inverse square)
    how: str = "mean"
    keep: int | None = None  # the `keep` members with the lowest backtest score (None: every member)
    # Half-widths of the intervals x this, (monthly, weekly): calibrated on validation windows so
    # that the 80% interval holds about 80% of what follows (bench/RESULTS.md).
    interval_scale: tuple[float, float] = (1.0, 1.0)
    edge: float = COMBINATION_EDGE  # 0: the combination always, when it can be made

    def scale(self, context: SeriesContext) -> float:
        return self.interval_scale[1 if context.freq.startswith("W") else 0]


# Chosen on three validation windows per series cut from the training parts of M1, Tourism and M4
# weekly (the lowest MASE relative to the plain mean, averaged over the three sets, within the time
# budget); the scales put the 80% interval's validation coverage at 80% (monthly sets pooled)
# (bench/RESULTS.md, "Forecast benchmark", fifth round).
RECIPE = Recipe(("ets", "theta", "seasonal_naive", "ces"), how="weighted_sq", interval_scale=(1.22, 0.58))
