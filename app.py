"""Home page: what the data says at a glance, and where to go next."""

import streamlit as st

from sop_core.overview import data_overview
from sop_ui import APP_TITLE, as_of, compute, page_setup

store = page_setup("Home", "🏭")
st.title(APP_TITLE)
st.caption("Sales & Operations Planning dashboard: forecast, service, stock, production and capacity "
           "options in one place.")

overview = compute(data_overview, as_of())
with st.container(key="kpi-area", border=True):
    st.subheader(f"Data as of {overview.as_of:%d/%m/%Y}")
    row1 = st.columns(4)
    row1[0].metric("Products (références)", f"{overview.products:,}".replace(",", " "),
                   help=f"{overview.families} families")
    row1[1].metric("Customers", overview.customers)
    row1[2].metric("Open order lines", f"{overview.open_order_lines:,}".replace(",", " "),
                   help=f"of {overview.order_lines:,} order lines imported")
    row1[3].metric("Open manufacturing orders (OF)", overview.open_production_orders,
                   help=f"{overview.workshops} workshops")
    row2 = st.columns(4)
    stock_label = f"Stock value ({overview.stock_date:%d/%m/%Y})" if overview.stock_date else "Stock value"
    row2[0].metric(stock_label, f"{overview.stock_value:,.0f} €".replace(",", " "))
    row2[1].metric("Months of sales history", overview.sales_months)

st.subheader("The S&OP meeting, page by page")
pages = [
    ("pages/1_Data.py", "📥", "Data: import ERP exports, check them, see the import history"),
    ("pages/2_Forecast.py", "📈", "Forecast: statistical forecast and consensus"),
    ("pages/3_Forecast_accuracy.py", "🎯", "Forecast accuracy: WAPE, bias, value added"),
    ("pages/4_Service_rate.py", "🚚", "Service rate (taux de service): on time, in full"),
    ("pages/5_Stock_rotation.py", "📦", "Stock rotation (rotation des stocks): turns, coverage, ABC/XYZ"),
    ("pages/6_Production_delays.py", "🏭", "Production delays: late OF, workshop load"),
    ("pages/7_What_if.py", "🧮", "What-if: overtime, temporary workers, subcontracting"),
]
for path, icon, label in pages:
    st.page_link(path, label=label, icon=icon)
