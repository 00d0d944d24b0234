"""Dual Dash plugin for a sales organization: a single file, dropped into the plugins folder.

It defines two Performance Drivers for sellers, a "ramp" band rule that pro-rates the benchmark for
people in their first 90 days, sales-flavoured coaching questions and a small KPI library.

It imports nothing from Dual Dash but ``hookimpl``: every hook returns plain dicts, and the band rule
answers with the strings "fails", "meets", "exceeds" (or None). The tests are in test_sales_org.py.
"""
from dualdash import hookimpl

SELLERS = ["Account Executive", "Sales Development Rep"]

#: A new seller reaches the full benchmark after this many days.
RAMP_DAYS = 90
#: On their first day a new seller is held to a quarter of the benchmark, never less.
RAMP_FLOOR = 0.25


@hookimpl
def dualdash_driver_definitions():
    return [
        {
            "key": "prospecting_discipline",
            "name": "Prospecting discipline",
            "description": "Protects time every week to find and open new conversations, "
                           "however full the pipeline looks.",
            "good_looks_like": "Prospecting blocks are in the calendar and kept; outreach is steady week "
                               "after week, not a burst when the pipeline runs dry.",
            "scale": [
                {"value": 1, "label": "Sporadic", "description": "prospects only when told to"},
                {"value": 2, "label": "Reactive", "description": "prospects when the pipeline is thin"},
                {"value": 3, "label": "Steady", "description": "keeps most prospecting blocks"},
                {"value": 4, "label": "Relentless", "description": "never misses a block, and others copy it"},
            ],
            "roles": SELLERS,
        },
        {
            "key": "pipeline_hygiene",
            "name": "Pipeline hygiene",
            "description": "Keeps every deal in the CRM current: stage, amount, close date and next step.",
            "good_looks_like": "The forecast can be read straight from the pipeline; no deal is without "
                               "a dated next step, and dead deals are closed out.",
            "scale": [
                {"value": 1, "label": "Stale", "description": "updated only before forecast calls"},
                {"value": 2, "label": "Patchy", "description": "key deals current, the rest not"},
                {"value": 3, "label": "Current", "description": "every deal has a next step"},
                {"value": 4, "label": "Clean", "description": "dead deals closed out every week"},
                {"value": 5, "label": "Forecast-ready", "description": "the forecast needs no questions"},
            ],
            "roles": SELLERS,
        },
    ]


def ramp_factor(start_date, period_end):
    """How much of the benchmark applies: days in the job at the period's end / 90, from 0.25 to 1.

    No start date: the whole benchmark applies."""
    if start_date is None:
        return 1.0
    days = (period_end - start_date).days
    return min(1.0, max(RAMP_FLOOR, days / RAMP_DAYS))


def ramp(value, kpi, benchmark, person, period):
    """Thresholds in the KPI's direction, with the lines pro-rated for a seller still ramping up.

    Higher is better: the lines are multiplied by the ramp factor (a lower bar); lower is better:
    they are divided by it (more room)."""
    if value is None or benchmark is None or benchmark.meets is None:
        return None
    factor = ramp_factor(getattr(person, "start_date", None), period.end)
    lower = kpi.direction == "lower"

    def line(threshold):
        return threshold / factor if lower else threshold * factor

    def reaches(threshold):
        return value <= line(threshold) if lower else value >= line(threshold)

    if benchmark.exceeds is not None and reaches(benchmark.exceeds):
        return "exceeds"
    return "meets" if reaches(benchmark.meets) else "fails"


@hookimpl
def dualdash_band_rules():
    return [{
        "name": "ramp",
        "label": "Ramp (first 90 days)",
        "description": "Thresholds, with the benchmark pro-rated by days in the job for people in "
                       "their first 90 days (at least a quarter of it); no start date: no pro-rating.",
        "judge": ramp,
    }]


@hookimpl
def dualdash_coaching_questions():
    return [
        # Narrowed to one KPI of the library below.
        {"situation": "kpi_fails", "kpi": "pipeline_value",
         "text": "Which deals would be in the pipeline today if you had kept every prospecting block "
                 "this month?"},
        {"situation": "kpi_trending_down", "kpi": "pipeline_value",
         "text": "Are deals leaving the pipeline faster than new ones come in? Which ones left, and why?"},
        {"situation": "kpi_fails", "kpi": "meetings_booked",
         "text": "Look at last week's outreach: where did conversations stall before a meeting was booked?"},
        {"situation": "kpi_exceeds", "kpi": "revenue",
         "text": "Which of these deals would you most like to win again, and what did they have in common?"},
        # For the drivers above.
        {"situation": "driver", "driver": "prospecting_discipline",
         "text": "When were your prospecting blocks last moved for something else, and what moved them?"},
        {"situation": "driver", "driver": "pipeline_hygiene",
         "text": "If I opened your pipeline right now, which deal would surprise me?"},
        {"situation": "driver", "driver": "pipeline_hygiene",
         "text": "Which deal has had no dated next step for more than two weeks?"},
        # For any KPI.
        {"situation": "kpi_fails",
         "text": "Where is the funnel leaking: reaching people, booking meetings, proposals or closing?"},
        {"situation": "kpi_exceeds",
         "text": "Which customer conversation this period would you replay for a new rep?"},
        {"situation": "meeting_open",
         "text": "Which one deal is on your mind most right now?"},
    ]


@hookimpl
def dualdash_kpi_library():
    return [
        {"key": "revenue", "name": "Revenue closed", "unit": "currency", "direction": "higher",
         "cadence": "monthly", "rollup": "sum", "category": "financial", "band_rule": "ramp",
         "description": "Value of the deals closed-won in the month.", "meets": 50000, "exceeds": 65000},
        {"key": "deals_closed", "name": "Deals closed", "unit": "count", "direction": "higher",
         "cadence": "monthly", "rollup": "sum", "category": "financial", "band_rule": "ramp",
         "description": "Number of deals closed-won in the month.", "meets": 4, "exceeds": 6},
        {"key": "meetings_booked", "name": "Meetings booked", "unit": "count", "direction": "higher",
         "cadence": "weekly", "rollup": "sum", "category": "operational", "band_rule": "ramp",
         "description": "First meetings with a new prospect booked in the week.", "meets": 8, "exceeds": 12},
        # A snapshot, not a flow: the last value of a period stands for it. A new seller takes over a
        # territory with its pipeline, so it is judged by the default thresholds, not pro-rated.
        {"key": "pipeline_value", "name": "Open pipeline", "unit": "currency", "direction": "higher",
         "cadence": "monthly", "rollup": "last", "category": "financial", "band_rule": "thresholds",
         "description": "Value of the open, qualified deals at the end of the month.",
         "meets": 150000, "exceeds": 200000},
    ]
