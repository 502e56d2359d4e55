"""Forecast accuracy: not built yet; says so and what it will show."""

import streamlit as st

from sop_ui import not_built_yet, page_setup, require_data

store = page_setup("Forecast accuracy", "🎯")
st.title("🎯 Forecast accuracy")
require_data(store, "sales")
not_built_yet("Forecast accuracy", [
    'accuracy (1 - WAPE), bias, MAPE, MASE per month, family, SKU and lag, on the forecasts frozen at each S&OP cycle',
    'forecast value added: statistical vs naive, consensus vs statistical',
    'the SKUs with the largest errors',
])
