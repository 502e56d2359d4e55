"""Production delays: not built yet; says so and what it will show."""

import streamlit as st

from sop_ui import not_built_yet, page_setup, require_data

store = page_setup("Production delays", "🏭")
st.title("🏭 Production delays")
require_data(store, "production_orders")
not_built_yet("Production delays", [
    'each open manufacturing order (OF) in red, orange or green, with its projected end and the reason',
    'the weekly load against capacity of each workshop, and the customer orders at risk',
])
