"""Forecast: not built yet; says so and what it will show."""

import streamlit as st

from sop_ui import not_built_yet, page_setup, require_data

store = page_setup("Forecast", "📈")
st.title("📈 Forecast")
require_data(store, "sales")
not_built_yet("The forecast", [
    'the demand history and the statistical forecast per SKU, family and total, with an 80% interval',
    'which model was chosen for each SKU (Prophet, seasonal naive, exponential smoothing, Theta, Croston...) and why',
    'a consensus table where sales and management record their adjustments',
])
