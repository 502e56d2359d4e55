"""What a page shows, as text: every title, paragraph, message, label and table cell of an AppTest
run, for the checks that a French page says nothing in English (and the reverse) and that its
numbers are written the French way."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pandas as pd
import pyarrow as pa
from streamlit.testing.v1 import AppTest

TEXT_ELEMENTS = ("title", "header", "subheader", "markdown", "caption", "info", "warning", "success", "error")
# Words that no French sentence uses and most English ones do: a French page showing one of them
# shows a sentence nobody translated.
ENGLISH_WORDS = re.compile(r"\b(the|is|are|and|with|cannot|must|would|which|not|working days?|rows?|"
                           r"columns?|late|behind|started|overloaded|expected|backtest)\b", re.IGNORECASE)
# The same for an English page: French words a translation would have replaced.
# (Narrower: the demo's customers and the accepted French headers are French in both languages.)
FRENCH_WORDS = re.compile(r"\b(est|sont|avec|jours ouvrés|lignes?|colonnes?|en retard|démarré|surchargée?s?|"
                          r"attendue?|à l'heure|corrigez|erreurs?|avertissements?|fichier)\b", re.IGNORECASE)
NUMBER_FORMATS = {
    "fr": re.compile(r"-?\d{1,3}(\u00a0\d{3})*(,\d+)?(\u00a0[%€])?"),
    "en": re.compile(r"-?\d{1,3}(,\d{3})*(\.\d+)?(%|\u00a0€)?"),
}


def visible(markdown: str) -> str:
    """What a reader sees of a Markdown text the page escaped (data shown as text): `2026\\-11` reads
    `2026-11`."""
    return re.sub(r"\\(.)", r"\1", markdown)


def styled_cells(app: AppTest) -> Iterator[tuple[str, pd.Series, pd.Series]]:
    """(table n°.column, shown texts, underlying values) of every number column shown through a Styler."""
    for index, table in enumerate(app.dataframe):
        raw = table.proto.arrow_data.styler.display_values
        if not raw:
            continue
        shown = pa.ipc.open_stream(raw).read_pandas()
        values = table.value.reset_index(drop=True)
        for name in values.columns:
            if pd.api.types.is_numeric_dtype(values[name]) and not pd.api.types.is_bool_dtype(values[name]):
                yield f"table {index}.{name}", shown[name].reset_index(drop=True), values[name]


def shown_texts(app: AppTest) -> list[str]:
    """Every sentence the run shows: elements, labels, options and the text cells of its tables."""
    texts = [str(element.value) for kind in TEXT_ELEMENTS for element in getattr(app, kind)]
    texts += [str(part) for metric in app.metric for part in (metric.label, metric.value, metric.proto.delta)]
    texts += [str(element.label) for kind in ("expander", "tabs", "button", "checkbox", "toggle", "radio",
                                               "selectbox", "multiselect", "text_input", "number_input",
                                               "date_input", "slider", "select_slider")
              for element in getattr(app, kind)]
    texts += [str(option) for kind in ("radio", "selectbox", "multiselect") for element in getattr(app, kind)
              for option in element.options]
    texts += [str(name) for table in app.table for name in table.value.columns]  # dataframes label theirs
    for table in [*app.dataframe, *app.table]:
        frame = table.value
        texts += [str(v) for name in frame.columns if frame[name].dtype == object for v in frame[name].dropna()]
    return texts


def foreign_texts(app: AppTest, lang: str) -> list[str]:
    """The texts of a `lang` page that read like the other language."""
    pattern = ENGLISH_WORDS if lang == "fr" else FRENCH_WORDS
    return sorted({text for text in shown_texts(app) if pattern.search(text)})


def misformatted_numbers(app: AppTest, lang: str) -> list[str]:
    """Table numbers not written the `lang` way (1 234,5 / 84,1 % / 1 234 € in French)."""
    wrong = []
    for where, shown, values in styled_cells(app):
        for text, value in zip(shown, values, strict=True):
            if pd.notna(value) and not NUMBER_FORMATS[lang].fullmatch(str(text)):
                wrong.append(f"{where}: {text!r}")
    return wrong


def streamlit_placeholders(app: AppTest) -> list[str]:
    """The select boxes and multiselects left to Streamlit's own empty-state text, which is English
    whatever the page ("Choose an option"): the protobuf carries no placeholder for them."""
    return [f"{kind} {widget.label!r}" for kind in ("selectbox", "multiselect")
            for widget in getattr(app, kind) if not widget.proto.placeholder.strip()]
