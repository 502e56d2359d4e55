"""Service rate: not built yet; says so and what it will show."""

import streamlit as st

from sop_ui import not_built_yet, page_setup, require_data

store = page_setup("Service rate", "🚚")
st.title("🚚 Service rate")
require_data(store, "orders")
not_built_yet("The service rate (taux de service)", [
    'on time, in full and OTIF by month, customer, family and SKU, against the target',
    'the late lines and the customers most hurt',
])
