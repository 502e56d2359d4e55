"""The Data page's column mapping names each column by its label, in the page's language (the
contract's internal name is in the help, for a mapping file)."""

from __future__ import annotations

from tests.app.conftest import OpenPage

ORDERS = b"Commande;Client;Article;Qte;Date cde;Date promise\nC1;Dupont;A1;5;02/01/2026;09/01/2026\n"


def test_the_mapping_fields_show_labels_not_internal_names(open_page: OpenPage) -> None:
    app = open_page("pages/1_Data.py", "fr")
    app.selectbox(key="import_kind").select("orders").run()
    app.file_uploader(key="import_file_0").set_value(("cdes.csv", ORDERS, "text/csv")).run()
    assert not app.exception, [e.value for e in app.exception]
    order_id = app.selectbox(key="map_orders_order_id")
    assert order_id.label == "Commande *"
    assert "`order_id`" in order_id.help
    labels = [app.selectbox(key=f"map_orders_{name}").label for name in ("order_date", "delivered_quantity")]
    assert labels == ["Date de commande *", "Quantité livrée"]
    assert not [box.label for box in app.selectbox if box.key.startswith("map_") and "_" in box.label]
