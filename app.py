"""Home page: what the data says at a glance, and where to go next."""

import streamlit as st

from sop_core.overview import data_overview
from sop_ui import APP_TITLE, PAGES, as_of, compute, date, money, num, page_setup, t

store = page_setup("home.title", "🏭")
st.title(APP_TITLE)
st.caption(t("app.subtitle"))

overview = compute(data_overview, as_of())
with st.container(key="kpi-area", border=True):
    st.subheader(t("home.data_as_of", date=date(overview.as_of)))
    row1 = st.columns(4)
    row1[0].metric(t("home.products"), num(overview.products), help=t("home.families", count=overview.families))
    row1[1].metric(t("home.customers"), num(overview.customers))
    row1[2].metric(t("home.open_lines"), num(overview.open_order_lines),
                   help=t("home.of_lines", count=num(overview.order_lines)))
    row1[3].metric(t("home.open_of"), num(overview.open_production_orders),
                   help=t("home.workshops", count=overview.workshops))
    row2 = st.columns(4)
    stock_label = (t("home.stock_value_on", date=date(overview.stock_date)) if overview.stock_date
                   else t("home.stock_value"))
    row2[0].metric(stock_label, money(overview.stock_value))
    row2[1].metric(t("home.sales_months"), num(overview.sales_months))

st.subheader(t("home.pages"))
for path, icon, name in PAGES:
    st.page_link(path, label=t(f"nav.{name}.long"), icon=icon)
