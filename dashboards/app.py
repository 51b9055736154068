"""Streamlit entry point: support, feedback and data health over the published analytics.duckdb.

Run it with `feedback-warehouse dashboard` (or `streamlit run dashboards/app.py -- --published PATH`).
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboards.data import Published, published_file

PAGES = Path(__file__).parent / "pages"

st.set_page_config(page_title="feedback-warehouse", page_icon=":material/analytics:", layout="wide")

navigation = st.navigation(
    [
        st.Page(PAGES / "support.py", title="Support", icon=":material/support_agent:", default=True),
        st.Page(PAGES / "feedback.py", title="Feedback", icon=":material/thumb_up:"),
        st.Page(PAGES / "roadmap.py", title="Roadmap", icon=":material/map:"),
        st.Page(PAGES / "data_health.py", title="Data health", icon=":material/monitor_heart:"),
    ]
)

published = Published.current()
st.sidebar.caption(f"Reading `{published_file()}`" if published else "No published warehouse yet")
navigation.run()
