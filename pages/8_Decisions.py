"""Decisions log (relevé de décisions): placeholder until the decisions module lands."""

import streamlit as st

from sop_ui import page_setup, t

store = page_setup("decisions.title", "📝")
st.title("📝 " + t("decisions.title"))
