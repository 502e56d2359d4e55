"""Data: upload an ERP export, preview it, check it, import it; import history; reset to demo."""

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from sop_core.contract import KINDS, contract_frame
from sop_core.demo import prepare_demo
from sop_core.ingest import FileToImport, empty_store, import_files
from sop_core.mapping import MappingError, mapping_from_choices
from sop_core.preview import preview_file
from sop_ui import page_setup

store = page_setup("Data", "📥")
st.title("📥 Data")
tab_import, tab_history, tab_contract, tab_reset = st.tabs(
    ["Import a file", "Import history", "Data contract", "Reset"])

with tab_import:
    kind = st.selectbox("What does the file hold?", list(KINDS), key="import_kind",
                        format_func=lambda k: k.replace("_", " ").capitalize())
    upload = st.file_uploader("ERP export (CSV, XLSX or Parquet)", key="import_file",
                              type=["csv", "txt", "tsv", "xlsx", "xlsm", "parquet"])
    if upload is not None:
        tmp_dir = Path(tempfile.mkdtemp(prefix="sop_upload_"))
        path = tmp_dir / Path(upload.name).name
        path.write_bytes(upload.getvalue())
        sheet = None
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            sheet = st.text_input("Excel sheet (empty = first sheet)", key="import_sheet") or None
        preview = preview_file(path, kind, sheet)
        if preview.error:
            st.error(f"{upload.name}: cannot read the file: {preview.error}")
            st.stop()
        st.caption(f"Read as {preview.read_as}; first rows:")
        st.dataframe(preview.rows, hide_index=True)
        with st.expander("Column mapping (for exports whose headers we do not recognise)"):
            choices = {
                column.name: st.selectbox(
                    f"{column.name}{' *' if column.required else ''}",
                    ["(none)", *preview.headers],
                    index=1 + preview.headers.index(preview.matched[column.name])
                    if column.name in preview.matched else 0,
                    key=f"map_{kind}_{column.name}", help=column.doc or None)
                for column in KINDS[kind].columns
            }
            formats = st.text_input("Extra date formats (strptime, comma separated)",
                                    key="map_formats", placeholder="%d-%b-%y, %m/%d/%Y")
            mapping_upload = st.file_uploader("…or a mapping file (YAML/JSON)",
                                              type=["yaml", "yml", "json"], key="map_file")
        skip = st.checkbox("Import the valid rows and report the others", key="import_skip")
        extra = st.checkbox("Ignore columns that are not in the data contract", key="import_extra")
        try:
            mapping = mapping_from_choices(
                KINDS[kind], choices, formats, skip_invalid_rows=skip, ignore_unmapped=extra,
                mapping_text=mapping_upload.getvalue().decode("utf-8-sig") if mapping_upload else None)
        except MappingError as exc:
            st.error(f"Mapping: {exc}")
            st.stop()
        if st.button("Check and import", type="primary", key="import_go"):
            bar = st.progress(0.0, text="Checking…")
            outcome = import_files(
                store, [FileToImport(kind, path, mapping, sheet, file_name=upload.name)],
                progress=lambda f, text: bar.progress(min(f, 1.0), text=text))
            bar.empty()
            report = outcome.reports[0]
            (st.success if outcome.ok else st.error)(report.summary())
            if report.findings:
                # A static table: a report is a few lines that must all be read, not browsed.
                st.table(report.to_frame().set_index("severity"))

with tab_history:
    st.dataframe(store.imports(limit=200), hide_index=True)
    counts = pd.DataFrame(store.row_counts().items(), columns=["table", "rows"])
    st.dataframe(counts, hide_index=True)

with tab_contract:
    st.markdown("Each kind of file, its columns, and the headers we recognise (accents, case and "
                "spaces do not matter). Optional columns may be left out.")
    contract_kind = st.selectbox("Kind", list(KINDS), key="contract_kind")
    st.caption(KINDS[contract_kind].refresh_rule)
    st.dataframe(contract_frame(contract_kind), hide_index=True)

with tab_reset:
    st.warning("Resetting replaces all data (not the import history).")
    confirm = st.checkbox("I understand that the current data will be replaced", key="reset_confirm")
    left, right = st.columns(2)
    if left.button("Reset to the demo company", disabled=not confirm, key="reset_demo"):
        bar = st.progress(0.0, text="Loading the demo…")
        outcome = prepare_demo(store, progress=lambda f, text: bar.progress(min(f, 1.0), text=text))
        bar.empty()
        (st.success if outcome.ok else st.error)(
            "Demo loaded." if outcome.ok else "; ".join(r.summary() for r in outcome.reports))
    if right.button("Empty the database (to import my own data)", disabled=not confirm, key="reset_empty"):
        empty_store(store)
        st.success("All data removed. Import your files in the order: workshops, products, then the rest.")
