"""Data: upload an ERP export, preview it, check it, import it; import history; reset to demo."""

import pandas as pd
import streamlit as st

from sop_core.data import KINDS, contract_frame
from sop_core.demo import prepare_demo
from sop_core.imports import (
    FileToImport,
    MappingError,
    empty_store,
    import_history,
    mapping_from_choices,
    preview_file,
)
from sop_ui import (
    UPLOADS_DONE,
    choose,
    column_label,
    file_uploader,
    lang,
    may,
    next_cycle_panel,
    page_setup,
    plain,
    progress_bar,
    run_import,
    show_import_verdict,
    show_table,
    t,
    upload_copy,
)

NO_HEADER = "(none)"  # the mapping's "let the aliases decide"; shown translated


def kind_label(kind: str) -> str:
    return t(f"data.kind.{kind}")


def mapping_help(kind: str, column: str, documented: bool) -> str:
    """What a mapped column means, then its name in the data contract (the field shows its label:
    the name is what a mapping file and the README use)."""
    meaning = [t(f"data.doc.{kind}.{column}")] if documented else []
    return " ".join([*meaning, t("data.mapping.internal", name=column)])


store = page_setup("data.title", "📥")
st.title("📥 " + t("data.title"))
# Option labels are worked out while the page runs, in its language: a format_func must not call t()
# later (AppTest calls it outside the run, where the session's language is unknown).
kind_labels = {kind: kind_label(kind) for kind in KINDS}
no_header = t("data.mapping.none")
tab_import, tab_history, tab_contract, tab_reset = st.tabs(
    [t("data.tab.import"), t("data.tab.history"), t("data.tab.contract"), t("data.tab.reset")])

with tab_import:
    if not may("admin"):  # imports write the data everyone reads
        st.info(t("login.admin_only"))
    else:
        kind = choose(t("data.import.kind"), list(KINDS), key="import_kind", format_func=kind_labels.__getitem__)
        uploads = st.session_state.get(UPLOADS_DONE, 0)  # a new widget once an import is done
        upload = file_uploader(t("data.import.file"), ["csv", "txt", "tsv", "xlsx", "xlsm", "parquet"],
                               key=f"import_file_{uploads}")
        path = upload_copy(upload)  # one temporary copy per upload, whatever the reruns
        if upload is not None and path is not None:
            sheet = None
            if path.suffix.lower() in (".xlsx", ".xlsm"):
                sheet = st.text_input(t("data.import.sheet"), key="import_sheet") or None
            preview = preview_file(path, kind, sheet, lang=lang())
            if preview.error:
                st.error(t("data.import.unreadable", file=plain(upload.name),
                           error=plain(preview.error.render(lang()))))
                st.stop()
            st.caption(t("data.import.read_as", read_as=preview.read_as.render(lang())))
            st.dataframe(preview.rows, hide_index=True)  # the file's own headers, as written
            with st.expander(t("data.mapping.expander")):
                choices = {
                    column.name: choose(
                        f"{column_label(column.name)}{' *' if column.required else ''}",
                        [NO_HEADER, *preview.headers],
                        index=1 + preview.headers.index(preview.matched[column.name])
                        if column.name in preview.matched else 0,
                        format_func=lambda h: no_header if h == NO_HEADER else h,
                        key=f"map_{kind}_{column.name}",
                        help=mapping_help(kind, column.name, column.doc))
                    for column in KINDS[kind].columns
                }
                formats = st.text_input(t("data.mapping.formats"), key="map_formats", placeholder="%d-%b-%y, %m/%d/%Y")
                mapping_upload = file_uploader(t("data.mapping.file"), ["yaml", "yml", "json"], key="map_file")
            skip = st.checkbox(t("data.import.skip"), key="import_skip")
            extra = st.checkbox(t("data.import.extra"), key="import_extra")
            try:
                mapping = mapping_from_choices(
                    KINDS[kind], choices, formats, skip_invalid_rows=skip, ignore_unmapped=extra,
                    mapping_text=mapping_upload.getvalue().decode("utf-8-sig") if mapping_upload else None)
            except MappingError as exc:
                st.error(t("data.mapping.error", error=plain(exc.render(lang()))))
                st.stop()
            if st.button(t("data.import.go"), type="primary", key="import_go"):
                run_import(store, FileToImport(kind, path, mapping, sheet, file_name=upload.name))
        show_import_verdict()  # this run's, or that of a run a click stopped
    next_cycle_panel(store)  # how fresh each kind is, and the next cycle once new demand has come in

with tab_history:
    history = import_history(store, lang(), limit=200)
    history = history.assign(kind=history["kind"].map(kind_label),
                             status=history["status"].map(lambda s: t(f"data.import_status.{s}")))
    show_table(history, key="import_history")
    st.caption(t("data.history.rows"))
    counts = pd.DataFrame(store.row_counts().items(), columns=["table", "rows"])
    show_table(counts.assign(table=counts["table"].map(kind_label)), key="import_counts")

with tab_contract:
    st.markdown(t("data.contract.intro"))
    contract_kind = choose(t("data.contract.kind"), list(KINDS), key="contract_kind",
                                 format_func=kind_labels.__getitem__)
    st.caption(t(f"data.refresh.{contract_kind}"))
    contract = contract_frame(contract_kind).rename(columns={"also accepted as": "aliases"})
    contract = contract.assign(
        type=contract["type"].map(lambda code: t(f"data.type.{code}")),
        meaning=[t(f"data.doc.{contract_kind}.{name}") if doc else ""
                 for name, doc in zip(contract["column"], contract["meaning"], strict=True)])
    show_table(contract, key="contract_table")

with tab_reset:
    if not may("admin"):
        st.info(t("login.admin_only"))
    else:
        st.warning(t("data.reset.warning"))
        confirm = st.checkbox(t("data.reset.confirm"), key="reset_confirm")
        left, right = st.columns(2)
        if left.button(t("data.reset.demo"), disabled=not confirm, key="reset_demo"):
            with progress_bar(t("data.reset.loading")) as progress:
                outcome = prepare_demo(store, progress=progress, lang=lang())
            said = "; ".join(r.summary(lang()) for r in outcome.reports)
            (st.success if outcome.ok else st.error)(t("data.reset.demo_loaded") if outcome.ok else plain(said))
        if right.button(t("data.reset.empty"), disabled=not confirm, key="reset_empty"):
            empty_store(store)
            st.success(t("data.reset.emptied"))
