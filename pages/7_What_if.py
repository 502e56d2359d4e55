"""What-if: not built yet; says so and what it will show."""

import streamlit as st

from sop_ui import not_built_yet, page_setup, require_data

store = page_setup("What-if", "🧮")
st.title("🧮 What-if")
require_data(store, "workshops")
not_built_yet("The what-if simulation", [
    'overtime, temporary workers (intérimaires) and subcontracting (sous-traitance) side by side with their cost',
    'the cheapest mix of levers that meets a target',
])
