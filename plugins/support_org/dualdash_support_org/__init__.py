"""Dual Dash plugin for a customer support organization, shipped as an installable package.

Installed (``pip install ./plugins/support_org``), it is found through its entry point in the
``dualdash`` group and named ``support_org``. It defines:

- three Performance Drivers for support agents;
- a "tolerance" band rule: a value that misses the Meets line by no more than a tolerance (10% of the
  line unless the setting ``SUPPORT_TOLERANCE`` says otherwise) still Meets;
- a KPI library where lower is often better (first response time, resolution time);
- support-flavoured coaching questions, a skill framework for the "Support Agent" role, and a
  queue-health checklist on the printed 1:1 worksheet.
"""
import math

from flask import current_app, has_app_context
from markupsafe import Markup

from dualdash import (
    Band,
    BandRule,
    CoachingQuestion,
    Driver,
    KPIDefinition,
    Situation,
    Skill,
    SkillFramework,
    WorksheetSection,
    hookimpl,
)

__version__ = "0.1.0"

#: The setting (in instance/config.py, or DUALDASH_SUPPORT_TOLERANCE=0.15) and its default: 10%.
TOLERANCE_SETTING = "SUPPORT_TOLERANCE"
DEFAULT_TOLERANCE = 0.10
#: Where the start-up hook keeps this app's tolerance (per app, so two apps never share it).
EXTENSION = "dualdash_support_org"

ROLE = "Support Agent"


@hookimpl
def dualdash_driver_definitions():
    return [
        Driver("empathy", "Empathy",
               "Understands how the customer feels about the problem, not only what the problem is.",
               "Customers say they felt heard; replies acknowledge the impact before the fix.",
               scale=((1, "Scripted", "the same words for every customer"),
                      (2, "Polite", "courteous, but the customer's situation is not reflected"),
                      (3, "Attentive", "names the customer's impact and adapts the tone"),
                      (4, "Trusted", "customers ask for them by name")),
               roles=(ROLE,)),
        # No scale: the default 1-5 scale applies.
        Driver("case_ownership", "Case ownership",
               "Owns a case from first reply to confirmed fix, across hand-offs and escalations.",
               "No case goes quiet: the customer always knows the next step, even when another "
               "team has it.",
               roles=(ROLE,)),
        Driver("knowledge_sharing", "Knowledge sharing",
               "Turns what they solved into something the next agent can reuse.",
               "Writes or fixes a knowledge-base article whenever a case needed digging; "
               "answers colleagues' questions in the open channel.",
               roles=(ROLE,)),
    ]


def tolerance_band(value, kpi, benchmark, tolerance):
    """Thresholds in the KPI's direction, with a tolerance zone just short of the Meets line.

    ``tolerance`` is a fraction of the Meets line: with 0.10 and a Meets line of 60 minutes (lower is
    better), up to 66 minutes still Meets; with a Meets line of 90% (higher is better), 81% does."""
    if value is None or benchmark is None or benchmark.meets is None:
        return None
    lower = kpi.direction == "lower"

    def reaches(line):
        # On the line counts, even when the line was computed in floating point.
        return (value <= line if lower else value >= line) or math.isclose(value, line)

    if benchmark.exceeds is not None and reaches(benchmark.exceeds):
        return Band.EXCEEDS
    margin = abs(benchmark.meets) * tolerance
    return Band.MEETS if reaches(benchmark.meets + margin if lower else benchmark.meets - margin) else Band.FAILS


def current_tolerance():
    """This app's tolerance, as read at start-up (the default outside an app)."""
    if has_app_context():
        return current_app.extensions.get(EXTENSION, {}).get("tolerance", DEFAULT_TOLERANCE)
    return DEFAULT_TOLERANCE


def tolerance(value, kpi, benchmark, person, period):
    """The "tolerance" band rule, with the app's SUPPORT_TOLERANCE."""
    return tolerance_band(value, kpi, benchmark, current_tolerance())


@hookimpl
def dualdash_band_rules():
    return [BandRule("tolerance", "Thresholds with tolerance", tolerance,
                     "Thresholds in the KPI's direction, but a value that misses the Meets line by no "
                     "more than the tolerance (SUPPORT_TOLERANCE, 10% of the line by default) still Meets.")]


@hookimpl
def dualdash_startup(app):
    """Read and check the tolerance once: a bad value stops the app with a message naming this plugin."""
    value = app.config.get(TOLERANCE_SETTING, DEFAULT_TOLERANCE)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < 1:
        raise ValueError(f"{TOLERANCE_SETTING} must be a fraction from 0 up to 1 (0.10 is 10% of the "
                         f"Meets line), got {value!r}")
    app.extensions[EXTENSION] = {"tolerance": float(value)}


@hookimpl
def dualdash_kpi_library():
    return [
        KPIDefinition("first_response_time", "First response time", unit="duration", direction="lower",
                      cadence="weekly", rollup="mean", category="customer", band_rule="tolerance",
                      description="Minutes from a ticket being opened to the first reply from a person "
                                  "(the week's average).",
                      meets=60, exceeds=30),
        KPIDefinition("resolution_time", "Resolution time", unit="duration", direction="lower",
                      cadence="weekly", rollup="mean", category="customer", band_rule="tolerance",
                      decimals=1, description="Hours from a ticket being opened to its confirmed fix "
                                              "(the week's average).",
                      meets=24, exceeds=8),
        KPIDefinition("csat", "Customer satisfaction (CSAT)", unit="percent", direction="higher",
                      cadence="monthly", rollup="mean", category="customer", band_rule="tolerance",
                      decimals=1, description="Share of surveyed customers who rated the support "
                                              "they got 4 or 5 out of 5.",
                      meets=85, exceeds=92),
        KPIDefinition("tickets_resolved", "Tickets resolved", unit="count", direction="higher",
                      cadence="weekly", rollup="sum", category="operational", band_rule="thresholds",
                      description="Tickets closed as solved in the week.", meets=40, exceeds=55),
    ]


@hookimpl
def dualdash_coaching_questions():
    q = CoachingQuestion
    return [
        q(Situation.KPI_FAILS, "Which tickets waited longest for a first reply, and what were you doing "
                               "at the time?", kpi="first_response_time"),
        q(Situation.KPI_FAILS, "Pick the slowest case of the week: where did it wait, and on whom?",
          kpi="resolution_time"),
        q(Situation.KPI_FAILS, "Read two low-rated surveys together: was it the answer, the wait or "
                               "the tone?", kpi="csat"),
        q(Situation.KPI_EXCEEDS, "Which reply this week would you put in the training pack for new "
                                 "agents?"),
        q(Situation.KPI_TRENDING_DOWN, "Has the mix of tickets changed lately, or has the way we handle "
                                       "them?"),
        q(Situation.DRIVER, "Tell me about a customer who was upset: what did you say first?",
          driver="empathy"),
        q(Situation.DRIVER, "Which of your open cases is waiting on someone else, and does the customer "
                            "know it?", driver="case_ownership"),
        q(Situation.DRIVER, "What did you solve this week that the next agent will have to dig for "
                            "again?", driver="knowledge_sharing"),
        q(Situation.SKILL_GAP, "Pick a recent case you escalated: which step could you try yourself next "
                               "time?", skill="troubleshooting"),
        q(Situation.MEETING_OPEN, "How heavy did the queue feel this week, on a scale of one to five?"),
    ]


@hookimpl
def dualdash_skill_frameworks():
    return [SkillFramework(ROLE, skills=(
        Skill("product_knowledge", "Product knowledge",
              "Knows the product well enough to answer without looking things up.",
              {"Junior": 2, "Intermediate": 3, "Senior": 4}),
        Skill("troubleshooting", "Troubleshooting",
              "Narrows a problem down step by step and reproduces it before escalating.",
              {"Junior": 2, "Intermediate": 3, "Senior": 4}),
        Skill("written_communication", "Written communication",
              "Writes replies that are short, kind and complete: one reply instead of three.",
              {"Junior": 2, "Intermediate": 3, "Senior": 3}),
        Skill("escalation_handling", "Handling escalations",
              "Takes on angry customers and urgent incidents, and keeps everyone informed.",
              {"Junior": 1, "Intermediate": 2, "Senior": 4}),
    ))]


#: The queue-health checklist printed on the worksheet.
QUEUE_CHECKS = (
    "Cases open for more than 7 days: each has a next step and the customer knows it.",
    "No case is waiting on us for more than one working day.",
    "Escalations this week: each was needed, and each was handed over with the full story.",
    "One knowledge-base article written or fixed since the last 1:1.",
)


@hookimpl
def dualdash_worksheet_sections(meeting, person):
    if person.role != ROLE:
        return []
    items = Markup("").join(Markup("<li>{}</li>").format(check) for check in QUEUE_CHECKS)
    html = Markup("<p>Go through {name}'s queue together and tick what holds.</p>"
                  '<ul class="checklist">{items}</ul>').format(name=person.name, items=items)
    return [WorksheetSection("Queue health", html)]
