"""A KPI's value written one way wherever people read it: scorecards, rank stacks, the 1:1 page, the
worksheet and the dashboard. Built on :mod:`dualdash.shared.formats`, so the locale work changes it once.

- ``currency`` KPIs carry the organization's currency symbol (setting ``currency``): "$12,000";
- ``percent`` KPIs carry "%": "87%";
- ``count`` and ``duration`` KPIs are plain numbers: "1,234". A duration's unit (minutes, days…) is in
  the KPI's name ("First response time (minutes)"), so nothing is added to the schema.

Each KPI keeps its own number of decimals. Machine forms (CSV, JSON, the entry grid's inputs) do not use
this module: :func:`plain_text` writes the number alone, without grouping or symbol, so it parses back."""
from dualdash.org import settings as org_settings
from dualdash.shared.formats import currency_text, number_text


def value_text(value, kpi, extra_decimals=0, empty=""):
    """``value`` as ``kpi`` shows it: "$12,000", "87%", "1,234"; ``empty`` for None.

    ``extra_decimals`` adds decimals for averages (a rank stack by role or team)."""
    if value is None:
        return empty
    # A plugin's KPIInfo has no decimals: it is written as a whole number.
    decimals = max(0, int(getattr(kpi, "decimals", 0) or 0) + extra_decimals)
    if kpi.unit == "currency":
        return currency_text(value, org_settings.get().currency, decimals)
    text = number_text(value, decimals)
    return text + "%" if kpi.unit == "percent" else text


def plain_text(value, kpi):
    """The number alone for machine forms (CSV): the KPI's decimals, no grouping, no symbol; "" for None."""
    return "" if value is None else number_text(value, max(0, int(getattr(kpi, "decimals", 0) or 0)), grouping=False)


def attainment_text(attainment, empty=""):
    """Attainment as a percentage of the Meets line: "87%"; ``empty`` when there is none."""
    return empty if attainment is None else number_text(attainment * 100) + "%"
