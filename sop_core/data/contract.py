"""The data contract: the seven kinds of file we accept, their columns, types, aliases and keys.

Everything the importers and the store know about a kind comes from here, so adding a column is a
one-line change. Aliases are matched after `normalize_header`, so accents, case, spaces and
punctuation in an ERP export's headers do not matter.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

import pandas as pd

ColumnType = Literal["text", "number", "date"]
DuplicateRule = Literal["error", "sum"]


@dataclass(frozen=True)
class Column:
    """One column of a kind: its canonical name, type, whether it is required, and its bounds."""

    name: str
    type: ColumnType
    required: bool = False
    aliases: tuple[str, ...] = ()
    default: float | None = None  # used for optional numbers left empty
    minimum: float | None = None
    maximum: float | None = None
    fallback: str | None = None  # an empty cell takes this other column's value
    doc: str = ""
    first_of_month: bool = False  # a date stored as its month's first day; "01/2027" also accepted


@dataclass(frozen=True)
class Reference:
    """`column` must name an existing `target_kind` key (a SKU of products, a workshop...), or a
    value of the target's `target_column` when one is given (a family of the products)."""

    column: str
    target_kind: str
    target_column: str | None = None

    @property
    def target(self) -> str:
        """The name its known values go by: "products", or "products.family"."""
        return self.target_kind if self.target_column is None else f"{self.target_kind}.{self.target_column}"


@dataclass(frozen=True)
class OneOf:
    """Columns of which a file needs at least one, and each row one filled in: exactly one when
    `exclusive` (a budget row is a family's or a SKU's), else at least one."""

    columns: tuple[str, ...]
    exclusive: bool


@dataclass(frozen=True)
class Kind:
    """A kind of file and the table it lands in."""

    name: str
    table: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    on_duplicate: DuplicateRule
    references: tuple[Reference, ...] = ()
    date_order: tuple[tuple[str, str], ...] = ()  # (earlier, later): later must not precede earlier
    refresh_rule: str = ""
    one_of: tuple[OneOf, ...] = ()

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)


def normalize_header(header: str) -> str:
    """`"Date de livraison prévue "` -> `"date_de_livraison_prevue"`: the form aliases are matched in."""
    decomposed = unicodedata.normalize("NFKD", str(header))
    ascii_only = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[^0-9a-z]+", "_", ascii_only.lower()).strip("_")


def _sku(*extra: str, required: bool = True, doc: str = "Product reference (article).") -> Column:
    return Column(
        "sku",
        "text",
        required,
        ("référence", "reference", "ref", "réf", "article", "code article", "réf article",
         "référence article", "item", "item code", "product", "product code", "part number", "sku",
         *extra),
        doc=doc,
    )


def _workshop(required: bool) -> Column:
    return Column("workshop", "text", required, ("atelier", "poste de charge", "work centre",
                                                  "work center", "ressource"),
                  doc="Workshop (atelier, work centre).")


def _customer(required: bool) -> Column:
    return Column("customer", "text", required, ("client", "code client", "customer", "customer id",
                                                  "nom client", "raison sociale"))


def _qty(name: str, required: bool, *aliases: str, doc: str = "") -> Column:
    return Column(name, "number", required, aliases, minimum=0.0, doc=doc)


PRODUCTS = Kind(
    name="products",
    table="products",
    columns=(
        _sku(),
        Column("name", "text", True, ("désignation", "designation", "libellé", "libelle",
                                       "description", "product name", "nom"), doc="Product name."),
        Column("family", "text", True, ("famille", "gamme", "product family", "category",
                                         "catégorie"), doc="Product family (planning level)."),
        _qty("unit_cost", True, "coût unitaire", "cout unitaire", "prix de revient", "pru",
             "coût de revient", "standard cost", "cost", doc="Standard unit cost (€)."),
        _qty("unit_price", True, "prix de vente", "prix unitaire", "pv", "tarif", "price",
             "selling price", doc="Selling price (€)."),
        _qty("lead_time_days", False, "délai (jours)", "délai", "delai", "délai de livraison",
             "lead time", doc="Replenishment or production lead time, days."),
        _qty("safety_stock", False, "stock de sécurité", "stock securite", "ss", "safety stock",
             doc="Safety stock, units."),
        Column("workshop", "text", False, ("atelier", "poste de charge", "work centre", "work center",
                                            "ressource"), doc="Workshop that makes it."),
        _qty("hours_per_unit", False, "heures par unité", "heures par unite", "temps unitaire",
             "gamme (h/u)", "h/u", "hours per unit", "run time", doc="Labour hours per unit."),
        _qty("moq", False, "minimum de commande", "qté mini", "qte mini", "minimum order quantity",
             "lot minimum", doc="Minimum order or batch quantity."),
    ),
    key=("sku",),
    on_duplicate="error",
    references=(Reference("workshop", "workshops"),),
    refresh_rule="A product is replaced by the last file that names its SKU; others are kept.",
)

SALES = Kind(
    name="sales",
    table="sales",
    columns=(
        Column("date", "date", True, ("date", "date de facture", "date facture", "date de vente",
                                       "date de livraison", "invoice date", "ship date", "jour")),
        _sku(),
        Column("quantity", "number", True, ("quantité", "quantite", "qté", "qte", "qty",
                                             "quantité vendue", "quantité livrée", "volume"),
               doc="Units sold; negative (returns) are refused."),
        _customer(required=False),
    ),
    key=("date", "sku", "customer"),
    on_duplicate="sum",
    references=(Reference("sku", "products"),),
    refresh_rule=(
        "Rows of one file sharing date, SKU and customer are summed (one row per invoice line is "
        "normal); each (date, SKU, customer) in the file then replaces the stored one."
    ),
)

ORDERS = Kind(
    name="orders",
    table="orders",
    columns=(
        Column("order_id", "text", True, ("n° commande", "numéro de commande", "no commande",
                                           "commande", "num commande", "order", "order number",
                                           "order no", "sales order", "po")),
        Column("line", "text", False, ("ligne", "n° ligne", "numéro de ligne", "line number",
                                        "order line", "item line"),
               fallback="sku", doc="Line number; the SKU stands in when empty."),
        _customer(required=True),
        _sku(),
        _qty("quantity", True, "quantité", "quantite", "qté", "qte", "qté commandée",
             "quantité commandée", "qty", "ordered quantity", doc="Ordered quantity."),
        Column("order_date", "date", True, ("date de commande", "date commande", "order date",
                                             "date cde")),
        Column("promised_date", "date", True, ("date de livraison prévue", "date prévue",
                                                "date de livraison promise", "date promise",
                                                "date confirmée", "date de livraison confirmée",
                                                "promised date", "due date", "date demandée")),
        Column("delivered_date", "date", False, ("date de livraison réelle", "date de livraison",
                                                  "date livrée", "date d'expédition",
                                                  "delivered date", "delivery date", "ship date"),
               doc="Empty while the line is still open."),
        _qty("delivered_quantity", False, "quantité livrée", "qté livrée", "qte livree",
             "delivered quantity", "shipped quantity",
             doc="Empty means the whole quantity once delivered_date is set."),
        Column("status", "text", False, ("statut", "état", "etat", "statut ligne", "état ligne",
                                          "line status", "order status"),
               doc="Line status; a cancelled line (annulé, annulée, cancelled) is left out of the "
                   "service rate. Other values are kept for reference."),
    ),
    key=("order_id", "line"),
    on_duplicate="error",
    references=(Reference("sku", "products"),),
    date_order=(("order_date", "promised_date"), ("order_date", "delivered_date")),
    refresh_rule=(
        "An order line (order_id, line) is replaced by its latest import: a refresh updates "
        "delivered dates of open lines. Without a line column the SKU stands for the line."
    ),
)

STOCK = Kind(
    name="stock",
    table="stock",
    columns=(
        Column("date", "date", True, ("date", "date d'inventaire", "date inventaire",
                                       "date du stock", "snapshot date", "inventory date")),
        _sku(),
        _qty("on_hand", True, "stock", "stock physique", "quantité en stock", "qté en stock",
             "stock disponible", "on hand", "quantity on hand", "qoh", doc="Units on hand."),
        _qty("unit_cost", False, "coût unitaire", "cout unitaire", "pmp", "valeur unitaire",
             "unit cost", doc="Valuation cost; the product's unit_cost when empty."),
    ),
    key=("date", "sku"),
    on_duplicate="error",
    references=(Reference("sku", "products"),),
    refresh_rule="A snapshot (date, SKU) is replaced by its latest import.",
)

PRODUCTION_ORDERS = Kind(
    name="production_orders",
    table="production_orders",
    columns=(
        Column("mo_id", "text", True, ("of", "n° of", "numéro of", "ordre de fabrication",
                                        "ordre", "mo", "mo number", "work order",
                                        "manufacturing order", "production order")),
        _sku(),
        _workshop(required=True),
        _qty("quantity", True, "quantité", "quantite", "qté", "qte", "qté à fabriquer",
             "quantité lancée", "qty"),
        Column("planned_start", "date", True, ("début prévu", "date de début prévue",
                                                "date début", "planned start", "start date")),
        Column("planned_end", "date", True, ("fin prévue", "date de fin prévue", "date fin",
                                              "date besoin", "planned end", "due date", "end date")),
        Column("actual_start", "date", False, ("début réel", "date de début réelle",
                                                "actual start")),
        Column("actual_end", "date", False, ("fin réelle", "date de fin réelle", "actual end",
                                              "date de clôture")),
        _qty("hours_required", False, "heures prévues", "charge (h)", "temps prévu",
             "hours required", "planned hours"),
        _qty("hours_done", False, "heures réalisées", "temps passé", "hours done", "actual hours"),
        Column("progress_pct", "number", False, ("avancement", "avancement (%)", "% avancement",
                                                  "progress", "progress %"),
               minimum=0.0, maximum=100.0),
        Column("order_id", "text", False, ("n° commande", "commande client", "order",
                                            "sales order", "customer order")),
        Column("priority", "number", False, ("priorité", "priorite", "priority"), minimum=0.0),
    ),
    key=("mo_id",),
    on_duplicate="error",
    references=(Reference("sku", "products"), Reference("workshop", "workshops")),
    date_order=(("planned_start", "planned_end"), ("actual_start", "actual_end")),
    refresh_rule="A production order (mo_id) is replaced by its latest import.",
)

BUDGET = Kind(
    name="budget",
    table="budget",
    columns=(
        Column("family", "text", False, ("famille", "gamme", "product family", "famille d'articles",
                                          "category", "catégorie"),
               doc="Product family the row budgets (empty on a SKU's row)."),
        _sku(required=False, doc="Product reference the row budgets (empty on a family's row)."),
        Column("month", "date", True, ("mois", "période", "periode", "mois budget", "month", "period",
                                        "date"),
               first_of_month=True,
               doc="Month budgeted: any day of it, or 01/2027, 2027-01, janv. 2027; stored as the 1st."),
        _qty("quantity", False, "quantité budget", "quantite budget", "qté budget", "qte budget",
             "budget (unités)", "budget unités", "quantité", "quantite", "qté", "qte", "volume",
             "units", "budget units", "quantity", doc="Budgeted units."),
        _qty("revenue", False, "chiffre d'affaires", "chiffre d'affaires budget", "ca", "ca budget",
             "budget (€)", "budget €", "budget ca", "montant", "revenue", "budget revenue",
             "sales value", "amount", doc="Budgeted revenue (€)."),
    ),
    key=("family", "sku", "month"),
    on_duplicate="error",
    references=(Reference("sku", "products"), Reference("family", "products", "family")),
    one_of=(OneOf(("family", "sku"), exclusive=True), OneOf(("quantity", "revenue"), exclusive=False)),
    refresh_rule=(
        "A (family or SKU, month) in the file replaces the stored one; others are kept. Each row is "
        "a family's or a SKU's (one of the two), with units, revenue or both."
    ),
)

WORKSHOPS = Kind(
    name="workshops",
    table="workshops",
    columns=(
        _workshop(required=True),
        _qty("headcount", True, "effectif", "nb opérateurs", "opérateurs", "headcount"),
        _qty("hours_per_week", True, "heures par semaine", "horaire hebdo", "h/semaine",
             "hours per week"),
        Column("efficiency", "number", False, ("rendement", "efficience", "taux d'efficience",
                                                "efficiency"),
               default=0.85, minimum=0.01, maximum=1.5),
        _qty("regular_cost_per_hour", True, "coût horaire", "taux horaire", "cout horaire",
             "hourly cost", "regular cost per hour"),
        Column("overtime_max_hours_per_person_week", "number", False,
               ("heures sup max", "heures supplémentaires max", "max heures sup",
                "overtime max"), default=8.0, minimum=0.0, maximum=13.0),
        Column("overtime_premium", "number", False, ("majoration heures sup", "majoration",
                                                      "overtime premium"),
               default=0.25, minimum=0.0, maximum=2.0),
        Column("temp_max_headcount", "number", False, ("intérimaires max", "interimaires max",
                                                        "nb intérimaires max", "temp max"),
               default=0.0, minimum=0.0),
        Column("temp_cost_per_hour", "number", False, ("coût horaire intérim",
                                                        "cout horaire interim", "taux intérim",
                                                        "temp cost per hour"), minimum=0.0),
        Column("temp_lead_time_days", "number", False, ("délai intérim", "delai interim",
                                                         "temp lead time"),
               default=5.0, minimum=0.0),
        Column("temp_productivity", "number", False, ("productivité intérim",
                                                       "productivite interim",
                                                       "temp productivity"),
               default=0.8, minimum=0.01, maximum=1.5),
        Column("subcontract_cost_per_hour", "number", False, ("coût horaire sous-traitance",
                                                               "cout sous traitance",
                                                               "taux sous-traitance",
                                                               "subcontract cost per hour"),
               minimum=0.0),
        Column("subcontract_lead_time_days", "number", False, ("délai sous-traitance",
                                                                "delai sous traitance",
                                                                "subcontract lead time"),
               default=10.0, minimum=0.0),
        Column("subcontract_max_hours_per_week", "number", False,
               ("capacité sous-traitance", "heures sous-traitance max",
                "subcontract max hours per week"), default=0.0, minimum=0.0),
        Column("tolerance_days", "number", False, ("tolérance", "tolerance", "tolérance (jours)",
                                                    "tolérance retard", "delay tolerance"),
               default=2.0, minimum=0.0, maximum=60.0,
               doc="Working days an OF may end after its planned end and still be orange, not red."),
    ),
    key=("workshop",),
    on_duplicate="error",
    refresh_rule="A workshop is replaced by the last file that names it; others are kept.",
)

KINDS: dict[str, Kind] = {
    k.name: k for k in (WORKSHOPS, PRODUCTS, BUDGET, SALES, ORDERS, STOCK, PRODUCTION_ORDERS)
}
"""Every kind, in the order a first import should follow (references point backwards)."""

# Costs that default from another column when left empty (documented in the README).
DERIVED_DEFAULTS: dict[str, dict[str, tuple[str, float]]] = {
    "workshops": {
        "temp_cost_per_hour": ("regular_cost_per_hour", 1.4),
        "subcontract_cost_per_hour": ("regular_cost_per_hour", 1.8),
    }
}


# Order-line status values meaning "cancelled", compared after lower-casing and stripping accents.
CANCELLED = ("annule", "annulee", "annulation", "cancelled", "canceled", "cancel")


def not_cancelled(status_column: str) -> str:
    """SQL condition: the order line whose status is in `status_column` is not cancelled (a
    cancelled line is neither demand nor a delivery to judge)."""
    values = ", ".join(f"'{value}'" for value in CANCELLED)  # code constants, not user text
    return f"coalesce(lower(strip_accents(trim({status_column}))), '') NOT IN ({values})"


def get_kind(name: str) -> Kind:
    """The kind called `name`, or a ValueError listing the valid ones."""
    try:
        return KINDS[name]
    except KeyError:
        raise ValueError(
            f"Unknown kind of file {name!r}: use one of {', '.join(KINDS)}."
        ) from None


def contract_frame(kind_name: str) -> pd.DataFrame:
    """The columns of a kind as a table: the reference users read on the Data page."""
    kind = get_kind(kind_name)
    return pd.DataFrame(
        [{"column": c.name, "type": c.type, "required": c.required,
          "default": "" if c.default is None else f"{c.default:g}",
          "also accepted as": ", ".join(c.aliases), "meaning": c.doc} for c in kind.columns]
    )
