"""What a projection means beyond the shop floor: the customer order lines it puts at risk, and the
months ahead (the rough-cut plan: load against capacity per workshop and month).

Pure functions over frames, shared by the store-side reports (`delays`, `capacity_plan`) and the
what-if (`simulation`), so a scenario is judged by exactly the rules of the pages.
"""

from __future__ import annotations

import pandas as pd

LINK_COLUMNS = ("order_id", "line", "customer", "sku", "quantity", "promised_date", "mo_id", "link")
RISK_COLUMNS = (*LINK_COLUMNS[:7], "projected_end", "status", "link", "days_late", "at_risk")
ROUGH_CUT_LOAD_COLUMNS = ("workshop", "month", "open_orders_hours", "forecast_hours")
ROUGH_CUT_COLUMNS = ("workshop", "month", "capacity_hours", "open_orders_hours", "forecast_hours", "load_hours",
                     "load_pct", "overload_hours")


def lines_at_risk(links: pd.DataFrame, projected: pd.DataFrame) -> pd.DataFrame:
    """Each customer line (`LINK_COLUMNS`: the line and the OF that serves it) with the OF's
    projected_end and status, days_late (calendar days after the promise, 0 when on time or when the
    OF cannot finish) and at_risk (the OF ends after the promise or cannot finish); columns
    `RISK_COLUMNS`, at risk first, then the latest, then by promise, order and line."""
    out = links[list(LINK_COLUMNS)].merge(projected[["mo_id", "projected_end", "status"]], on="mo_id", how="left")
    end = pd.to_datetime(out["projected_end"])
    promised = pd.to_datetime(out["promised_date"])
    out["days_late"] = (end - promised).dt.days.clip(lower=0).fillna(0).astype("int64")
    out["at_risk"] = end.isna() | (end > promised)
    return (out.sort_values(["at_risk", "days_late", "promised_date", "order_id", "line"],
                            ascending=[False, False, True, True, True], kind="stable")
            .reset_index(drop=True)[list(RISK_COLUMNS)])


def rough_cut_table(load: pd.DataFrame, capacity: pd.DataFrame) -> pd.DataFrame:
    """Per workshop and month of `capacity` (daily rows: workshop, day, hours), the load
    (`ROUGH_CUT_LOAD_COLUMNS`) against the capacity: `ROUGH_CUT_COLUMNS`, load_pct NaN when the
    month has no capacity, overload = max(load - capacity, 0)."""
    monthly = (capacity.assign(month=pd.to_datetime(capacity["day"]).dt.to_period("M").dt.to_timestamp())
               .groupby(["workshop", "month"], as_index=False)["hours"].sum()
               .rename(columns={"hours": "capacity_hours"}))
    plan = monthly.merge(load[list(ROUGH_CUT_LOAD_COLUMNS)].assign(month=pd.to_datetime(load["month"])),
                         on=["workshop", "month"], how="left").fillna({"open_orders_hours": 0.0,
                                                                       "forecast_hours": 0.0})
    plan["load_hours"] = plan["open_orders_hours"] + plan["forecast_hours"]
    plan["load_pct"] = plan["load_hours"] / plan["capacity_hours"].where(plan["capacity_hours"] > 0)
    plan["overload_hours"] = (plan["load_hours"] - plan["capacity_hours"]).clip(lower=0)
    return plan.sort_values(["workshop", "month"]).reset_index(drop=True)[list(ROUGH_CUT_COLUMNS)]
