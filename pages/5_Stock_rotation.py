"""Stock rotation: not built yet; says so and what it will show."""

import streamlit as st

from sop_ui import not_built_yet, page_setup, require_data

store = page_setup("Stock rotation", "📦")
st.title("📦 Stock rotation")
require_data(store, "stock")
not_built_yet("Stock rotation (rotation des stocks)", [
    'stock value, turnover and days of inventory over time',
    'ABC/XYZ classes, slow movers and dead stock, coverage against target, safety stock and EOQ',
])
