"""Master data of the fictional demo company: workshops, product families, customers.

"Plastiques du Val de Loire" is an invented injection moulder. The figures are plausible orders of
magnitude for a French plant of ~40 operators (costs in euros, 35-hour weeks), so that the
dashboard's capacity, cost and service figures look like the ones a planner knows.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

COMPANY = "Plastiques du Val de Loire"  # fictional; the screens say so in their language

WORKSHOP_COLUMNS: tuple[str, ...] = (
    "workshop", "headcount", "hours_per_week", "efficiency", "regular_cost_per_hour",
    "overtime_max_hours_per_person_week", "overtime_premium", "temp_max_headcount",
    "temp_cost_per_hour", "temp_lead_time_days", "temp_productivity", "subcontract_cost_per_hour",
    "subcontract_lead_time_days", "subcontract_max_hours_per_week",
)

# One row per workshop, in WORKSHOP_COLUMNS order. Temp labour costs ~1.3-1.5x the regular rate
# (agency margin), subcontracting ~1.7-2.1x (the subcontractor's margin and transport).
_WORKSHOP_ROWS: tuple[tuple[object, ...], ...] = (
    ("INJECTION", 14, 35.0, 0.85, 38.0, 6.0, 0.25, 4, 53.2, 7, 0.75, 76.0, 15, 160.0),
    ("ASSEMBLAGE", 10, 35.0, 0.80, 32.0, 5.0, 0.25, 4, 44.8, 5, 0.85, 57.6, 10, 120.0),
    ("CONDITIONNEMENT", 6, 35.0, 0.88, 28.5, 5.0, 0.25, 3, 37.05, 5, 0.85, 48.45, 10, 200.0),
    ("DECOR", 4, 35.0, 0.78, 34.0, 4.0, 0.25, 1, 49.3, 10, 0.70, 71.4, 20, 40.0),
    ("CONTROLE", 3, 35.0, 0.90, 36.5, 4.0, 0.25, 1, 51.1, 8, 0.80, 62.05, 12, 60.0),
)
WORKSHOPS: tuple[str, ...] = tuple(str(row[0]) for row in _WORKSHOP_ROWS)
SKU_PREFIX: dict[str, str] = {
    "INJECTION": "INJ", "ASSEMBLAGE": "ASM", "CONDITIONNEMENT": "CDT", "DECOR": "DEC",
    "CONTROLE": "CTL",
}
TARGET_UTILISATION: dict[str, float] = {
    "INJECTION": 0.86, "ASSEMBLAGE": 0.82, "CONDITIONNEMENT": 0.72, "DECOR": 0.70,
    "CONTROLE": 0.68,
}
"""Average historic load / capacity the hours per unit are calibrated to: the presses run hot."""


def workshops_frame() -> pd.DataFrame:
    """The workshops table with its proper dtypes (ints for people and days, floats elsewhere)."""
    frame = pd.DataFrame(list(_WORKSHOP_ROWS), columns=list(WORKSHOP_COLUMNS))
    int_columns = ["headcount", "temp_max_headcount", "temp_lead_time_days",
                   "subcontract_lead_time_days"]
    for column in WORKSHOP_COLUMNS[1:]:
        frame[column] = frame[column].astype("int64" if column in int_columns else "float64")
    frame["workshop"] = frame["workshop"].astype("str")
    return frame


def weekly_capacity_hours(workshops: pd.DataFrame) -> dict[str, float]:
    """Capacity per week = headcount x hours_per_week x efficiency (the contract's definition)."""
    hours = workshops["headcount"] * workshops["hours_per_week"] * workshops["efficiency"]
    return dict(zip(workshops["workshop"].tolist(), hours.astype(float).tolist(), strict=True))


# Generic French seasonality shared by every family (Jan..Dec): the August shutdown (customers
# close too), a soft December, and July orders pulled forward before the holidays.
PLANT_SEASON: tuple[float, ...] = (0.95, 1.0, 1.05, 1.05, 1.05, 1.05, 1.12, 0.38, 1.08, 1.08,
                                   1.02, 0.8)
FLAT: tuple[float, ...] = (1.0,) * 12


@dataclass(frozen=True)
class Family:
    """A product family: how many SKUs, who makes them, what they cost and how they sell."""

    name: str
    n_skus: int
    workshops: tuple[tuple[str, float], ...]  # (workshop, probability)
    cost: tuple[float, float]  # unit cost range, euros
    monthly_volume: float  # median units per month of a regular SKU
    raw_hours_per_unit: tuple[float, float]  # relative labour content, scaled by calibration
    lead_time: tuple[int, int]  # quoted lead time range, calendar days
    growth: float  # yearly trend
    season: tuple[float, ...]  # Jan..Dec index on top of PLANT_SEASON
    sectors: tuple[str, ...]
    nouns: tuple[str, ...]
    sizes: tuple[str, ...]
    finishes: tuple[str, ...]


FAMILIES: tuple[Family, ...] = (
    Family("Bouchage", 26, (("INJECTION", 0.8), ("ASSEMBLAGE", 0.2)), (0.2, 0.6), 30000,
           (0.0012, 0.003), (7, 15), 0.05, (0.9, 0.9, 1.0, 1.05, 1.15, 1.25, 1.2, 1.0, 0.95, 0.9,
                                            0.9, 0.9),
           ("cosmetique",), ("Bouchon à vis", "Capsule service", "Bouchon pousse-tire",
                             "Capsule à charnière", "Bouchon doseur", "Capsule inviolable"),
           ("Ø24", "Ø28", "Ø32", "Ø38", "Ø43"), ("blanc", "noir", "naturel", "bleu", "rouge")),
    Family("Flaconnage", 20, (("INJECTION", 0.7), ("DECOR", 0.3)), (0.3, 1.8), 9000,
           (0.003, 0.008), (10, 21), 0.03, FLAT, ("cosmetique", "pharma"),
           ("Flacon PEHD", "Flacon PET", "Pot cosmétique", "Flacon pompe", "Flacon souple"),
           ("50 ml", "100 ml", "150 ml", "250 ml", "500 ml"), ("blanc", "ambré", "naturel",
                                                                 "noir mat")),
    Family("Électrique", 20, (("INJECTION", 0.55), ("ASSEMBLAGE", 0.45)), (1.5, 12.0), 2500,
           (0.01, 0.03), (10, 21), 0.04, (0.95, 1.0, 1.0, 1.0, 1.0, 0.95, 0.95, 1.0, 1.1, 1.1,
                                          1.0, 0.95),
           ("electrique",), ("Boîtier de dérivation", "Boîte d'encastrement", "Capot de protection",
                             "Couvercle de boîtier", "Support d'appareillage"),
           ("IP44 80x80", "IP55 100x100", "IP55 150x110", "IP65 200x150"), ("gris", "blanc",
                                                                              "noir", "ivoire")),
    Family("Automobile", 24, (("INJECTION", 0.65), ("ASSEMBLAGE", 0.2), ("CONTROLE", 0.15)),
           (0.2, 40.0), 5000, (0.004, 0.05), (14, 28), -0.02, FLAT, ("auto",),
           ("Clip de fixation", "Agrafe de garniture", "Capot de ventilateur", "Grille d'aération",
            "Cache-vis", "Support de faisceau"),
           ("6 mm", "8 mm", "10 mm", "type A", "type B"), ("noir", "gris", "anthracite")),
    Family("Logistique", 16, (("INJECTION", 1.0),), (4.0, 25.0), 700, (0.04, 0.09), (10, 21),
           0.03, FLAT, ("industrie",), ("Caisse gerbable", "Bac à bec", "Caisse pliable",
                                        "Bac emboîtable", "Couvercle de caisse"),
           ("300x200x120", "400x300x170", "600x400x220", "600x400x320"), ("bleu", "gris",
                                                                          "vert", "rouge")),
    Family("Jardin", 22, (("INJECTION", 0.75), ("DECOR", 0.25)), (1.5, 15.0), 2200,
           (0.015, 0.05), (7, 14), 0.08, (0.7, 1.1, 1.6, 1.85, 1.7, 1.3, 0.85, 0.6, 0.6, 0.55,
                                          0.5, 0.55),
           ("jardin",), ("Pot de fleurs rond", "Jardinière", "Soucoupe", "Arrosoir", "Pot carré",
                         "Bac à réserve d'eau"),
           ("Ø20", "Ø30", "Ø40", "60 cm", "80 cm"), ("terracotta", "anthracite", "taupe",
                                                     "vert sauge")),
    Family("Médical", 12, (("CONTROLE", 0.6), ("CONDITIONNEMENT", 0.4)), (0.3, 3.0), 6000,
           (0.003, 0.012), (14, 28), 0.06, FLAT, ("pharma",),
           ("Pilulier", "Godet doseur", "Boîte de prélèvement", "Flacon compte-gouttes"),
           ("20 ml", "30 ml", "60 ml", "stérile"), ("transparent", "blanc", "ambré")),
    Family("Kits et coffrets", 10, (("CONDITIONNEMENT", 0.7), ("ASSEMBLAGE", 0.3)), (5.0, 35.0),
           450, (0.05, 0.15), (14, 30), 0.02, (0.8, 0.9, 1.1, 1.2, 1.1, 1.0, 0.9, 0.9, 1.0,
                                              1.1, 1.3, 1.0),
           ("jardin", "electrique"), ("Coffret cadeau", "Kit de fixation", "Assortiment bouchons",
                                      "Kit jardin", "Lot de bacs"),
           ("x 3", "x 5", "x 10", "x 20"), ("gamme Loire", "gamme Sologne", "gamme Touraine")),
)

# Fictional customers: (name, sector, relative size). Sizes are skewed on purpose: a handful of
# key accounts make most of the volume, as in any B2B plant.
CUSTOMERS: tuple[tuple[str, str, float], ...] = (
    ("Laboratoires Vernier Cosmétiques", "cosmetique", 6.0),
    ("Brasserie des Coteaux", "cosmetique", 3.0),
    ("Cidrerie du Bocage", "cosmetique", 1.0),
    ("Parfums Delorme", "cosmetique", 2.5),
    ("Savonnerie de l'Estuaire", "cosmetique", 1.2),
    ("Source Sainte-Solène", "cosmetique", 4.0),
    ("Distillerie Maugars", "cosmetique", 0.8),
    ("Huilerie Touraine Bio", "cosmetique", 0.6),
    ("Électro-Distribution Centre", "electrique", 5.0),
    ("Matériel Électrique Fournier", "electrique", 2.0),
    ("Armor Câblage", "electrique", 1.5),
    ("Tableaux Électriques Lebrun", "electrique", 1.0),
    ("Domotique Atlantique", "electrique", 0.7),
    ("Éclairage Rivière", "electrique", 0.5),
    ("Équipementier Auto Sarthe", "auto", 7.0),
    ("Faisceaux Mayenne", "auto", 3.0),
    ("Garnitures Ouest Industrie", "auto", 2.0),
    ("Ventilation Auto Bessières", "auto", 1.5),
    ("Carrosserie Industrielle Picard", "auto", 0.8),
    ("Mécanique Précision Vendôme", "auto", 0.5),
    ("Logistique Val de Cher", "industrie", 3.0),
    ("Transports Gaudin", "industrie", 1.0),
    ("Agroalimentaire Berthelot", "industrie", 2.0),
    ("Conserverie du Pays Nantais", "industrie", 1.5),
    ("Maraîchers Réunis de l'Anjou", "industrie", 1.2),
    ("Industries Mécaniques Chollet", "industrie", 0.6),
    ("Jardinerie des Trois Rivières", "jardin", 4.0),
    ("Brico Centre Loire", "jardin", 5.0),
    ("Maison et Jardin Lemoine", "jardin", 1.5),
    ("Pépinières Guillot-Roux", "jardin", 1.0),
    ("Coopérative Horticole d'Angers", "jardin", 2.0),
    ("Jardins de Sologne Distribution", "jardin", 1.2),
    ("Quincaillerie Moderne Blois", "jardin", 0.5),
    ("Centrale d'Achat Verte Ouest", "jardin", 3.0),
    ("Laboratoires Pharmaceutiques Orléanais", "pharma", 4.0),
    ("Pharmacie Centrale du Loiret", "pharma", 1.5),
    ("Services Vétérinaires Bretons", "pharma", 0.8),
    ("Dispositifs Médicaux Hervé", "pharma", 2.0),
    ("Laboratoire Galénique Touraine", "pharma", 1.2),
    ("Analyses Médicales Ligériennes", "pharma", 0.6),
)
