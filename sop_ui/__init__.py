"""The one bridge between Streamlit and `sop_core`: the session's store and cache (`session`), its
language and formats (`text`), what surrounds every page (`chrome`) and the shared widgets
(`widgets`). Pages import these names from `sop_ui`, never from its modules.

Every text goes through `t(key)` in the session's language (French by default), numbers and dates
through `num`, `pct`, `money`, `date`; charts through `show_chart` (language formats, large fonts in
meeting mode) and tables through `show_table` (translated headers, numbers in the language).
"""

from sop_ui.chrome import APP_TITLE, PAGES, page_of, page_setup, require_data
from sop_ui.consensus import consensus_panel
from sop_ui.cycle import ShownCycle, cycle_panel, next_cycle_panel, shown_cycle, step_action
from sop_ui.importing import UPLOADS_DONE, run_import, show_import_verdict
from sop_ui.login import may, signed_in, user_name
from sop_ui.session import as_of, compute, data_version, get_store, meeting_mode
from sop_ui.text import column_label, date, lang, money, num, pct, plain, status_label, t
from sop_ui.widgets import (
    choose,
    choose_many,
    downloads,
    drop_upload_copy,
    file_downloads,
    file_uploader,
    kpi_filters,
    progress_bar,
    run_forecast_with_progress,
    show_chart,
    show_figures,
    show_table,
    status_tile,
    tile_style,
    upload_copy,
)

__all__ = [
    "APP_TITLE",
    "PAGES",
    "UPLOADS_DONE",
    "ShownCycle",
    "as_of",
    "choose",
    "choose_many",
    "column_label",
    "compute",
    "consensus_panel",
    "cycle_panel",
    "data_version",
    "date",
    "downloads",
    "drop_upload_copy",
    "file_downloads",
    "file_uploader",
    "get_store",
    "kpi_filters",
    "lang",
    "may",
    "meeting_mode",
    "money",
    "next_cycle_panel",
    "num",
    "page_of",
    "page_setup",
    "pct",
    "plain",
    "progress_bar",
    "require_data",
    "run_forecast_with_progress",
    "run_import",
    "show_chart",
    "show_figures",
    "show_import_verdict",
    "show_table",
    "shown_cycle",
    "signed_in",
    "status_label",
    "status_tile",
    "step_action",
    "t",
    "tile_style",
    "upload_copy",
    "user_name",
]
