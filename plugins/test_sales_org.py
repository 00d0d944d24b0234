"""Tests of the sales organization plugin: its ramp rule on its own, then the plugin in the app."""
import datetime
import re
from pathlib import Path

import pytest
import sales_org

from dualdash import BenchmarkInfo, KPIInfo, Period, PersonInfo
from dualdash.org.models import Person

PERIOD = Period(start=datetime.date(2026, 3, 1), end=datetime.date(2026, 3, 31), cadence="monthly")
HIGHER = KPIInfo(key="revenue", name="Revenue closed", direction="higher")
LOWER = KPIInfo(key="days_to_close", name="Days to close", direction="lower")


@pytest.fixture
def dualdash_plugins():
    return [sales_org]


def seller(days_in_job):
    """A seller who started ``days_in_job`` days before the end of PERIOD (None: no start date)."""
    start = None if days_in_job is None else PERIOD.end - datetime.timedelta(days=days_in_job)
    return PersonInfo(id=1, name="Sam Seller", email="sam@example.com", role="Account Executive",
                      start_date=start)


def band(value, days_in_job, meets=10.0, exceeds=20.0, kpi=HIGHER):
    return sales_org.ramp(value=value, kpi=kpi, benchmark=BenchmarkInfo(meets=meets, exceeds=exceeds),
                          person=seller(days_in_job), period=PERIOD)


@pytest.mark.parametrize("days, factor", [
    (-10, 0.25),  # starts after the period: the floor
    (0, 0.25),
    (9, 0.25),
    (45, 0.5),
    (72, 0.8),
    (90, 1.0),
    (400, 1.0),
    (None, 1.0),
])
def test_ramp_factor(days, factor):
    assert sales_org.ramp_factor(seller(days).start_date, PERIOD.end) == pytest.approx(factor)


@pytest.mark.parametrize("value, expected", [(2.4, "fails"), (2.5, "meets"), (4.9, "meets"), (5, "exceeds")])
def test_ramp_on_the_first_day_holds_to_a_quarter_of_the_benchmark(value, expected):
    assert band(value, 0) == expected


@pytest.mark.parametrize("value, expected", [(4.9, "fails"), (5, "meets"), (9.9, "meets"), (10, "exceeds")])
def test_ramp_half_way_holds_to_half_the_benchmark(value, expected):
    assert band(value, 45) == expected


@pytest.mark.parametrize("days", [90, 91, 365])
@pytest.mark.parametrize("value, expected", [(9.9, "fails"), (10, "meets"), (19.9, "meets"), (20, "exceeds")])
def test_ramp_after_90_days_is_the_full_benchmark(days, value, expected):
    assert band(value, days) == expected


@pytest.mark.parametrize("days, value, expected", [
    # Lower is better: Meets at 10 or less, Exceeds at 5 or less; the lines are divided by the factor.
    (45, 20, "meets"), (45, 20.1, "fails"), (45, 10, "exceeds"), (45, 10.1, "meets"),
    (0, 40, "meets"), (0, 40.1, "fails"), (0, 20, "exceeds"),
    (120, 10, "meets"), (120, 10.1, "fails"), (120, 5, "exceeds"),
])
def test_ramp_lower_is_better_gives_more_room(days, value, expected):
    assert band(value, days, meets=10, exceeds=5, kpi=LOWER) == expected


@pytest.mark.parametrize("value, expected", [(9.9, "fails"), (10, "meets"), (20, "exceeds")])
def test_ramp_without_a_start_date_does_not_pro_rate(value, expected):
    assert band(value, None) == expected


def test_ramp_cannot_judge_without_a_benchmark_or_a_meets_line():
    person = seller(45)
    assert sales_org.ramp(value=5, kpi=HIGHER, benchmark=None, person=person, period=PERIOD) is None
    assert band(5, 45, meets=None, exceeds=20) is None
    assert sales_org.ramp(value=None, kpi=HIGHER, benchmark=BenchmarkInfo(10, 20), person=person,
                          period=PERIOD) is None


def test_ramp_without_an_exceeds_line_never_exceeds():
    assert band(1000, 45, exceeds=None) == "meets"
    assert band(4, 45, exceeds=None) == "fails"


def test_the_plugin_loads_with_its_definitions(app):
    fw = app.extensions["dualdash.plugins"]
    assert fw.errors == []
    assert fw.provided_by[("driver", "prospecting_discipline")] == "sales_org"
    assert fw.provided_by[("band rule", "ramp")] == "sales_org"
    assert [p.label for p in fw.drivers["prospecting_discipline"].scale] == [
        "Sporadic", "Reactive", "Steady", "Relentless"]
    assert len(fw.drivers["pipeline_hygiene"].scale) == 5
    assert {k: v.band_rule for k, v in fw.kpi_library.items()} == {
        "revenue": "ramp", "deals_closed": "ramp", "meetings_booked": "ramp", "pipeline_value": "thresholds"}
    assert fw.kpi_library["revenue"].unit == "currency"
    assert [q.text for q in fw.questions_for("kpi_fails", kpi="pipeline_value")][-2:] == [
        "Which deals would be in the pipeline today if you had kept every prospecting block this month?",
        "Where is the funnel leaking: reaching people, booking meetings, proposals or closing?"]
    # A question narrowed to one KPI is not offered for another.
    assert not any("prospecting block" in q.text for q in fw.questions_for("kpi_fails", kpi="revenue"))


def test_drivers_page_shows_the_sales_drivers(as_member):
    page = as_member.get("/drivers").get_data(as_text=True)
    assert "Prospecting discipline" in page and "Pipeline hygiene" in page
    assert "For: Account Executive, Sales Development Rep" in page
    assert "Relentless" in page and "Forecast-ready" in page
    assert "If I opened your pipeline right now, which deal would surprise me?" in page
    # Added to the defaults, not instead of them.
    assert "Follow-through" in page


@pytest.mark.parametrize("app_config", [{"DISABLED_PLUGINS": ["dualdash.defaults.drivers"]}])
def test_the_sales_drivers_can_replace_the_defaults(as_member):
    page = as_member.get("/drivers").get_data(as_text=True)
    assert "Prospecting discipline" in page
    assert "Follow-through" not in page


def test_plugins_page_lists_the_plugin_its_hooks_and_rule(as_admin):
    page = as_admin.get("/admin/plugins").get_data(as_text=True)
    assert ("<tr><td>sales_org</td><td>setting PLUGINS</td><td>dualdash_band_rules, "
            "dualdash_coaching_questions, dualdash_driver_definitions, dualdash_kpi_library</td></tr>") in page
    assert re.search(r"<td>ramp</td><td>Ramp \(first 90 days\)</td><td>[^<]+</td><td>sales_org</td>", page)
    assert '<option value="ramp">Ramp (first 90 days) (ramp)</option>' in page
    assert "<td>meetings_booked</td><td>Meetings booked</td>" in page
    assert "Which one deal is on your mind most right now?" in page


def try_ramp(client, value, direction="higher", meets=10, exceeds=20):
    response = client.get(f"/admin/plugins?rule=ramp&direction={direction}&meets={meets}"
                          f"&exceeds={exceeds}&value={value}")
    assert response.status_code == 200
    found = re.search(r'<span class="band band-(\w+)">', response.get_data(as_text=True))
    return found.group(1) if found else None


def test_try_out_form_bands_with_the_ramp_rule(as_admin):
    # The admin trying the rule stands in for the person measured; without a start date: no pro-rating.
    assert try_ramp(as_admin, 15) == "meets"
    assert try_ramp(as_admin, 6) == "fails"
    assert try_ramp(as_admin, 20) == "exceeds"
    assert try_ramp(as_admin, 15, direction="lower", meets=20, exceeds=10) == "meets"


def test_try_out_form_pro_rates_for_a_new_starter(app, as_admin, sample_org):
    # The try-out period is the current week: start 45 days before its Sunday for a factor of 0.5.
    today = datetime.date.today()
    sunday = today + datetime.timedelta(days=6 - today.weekday())
    with app.app_context():
        Person.update(start_date=sunday - datetime.timedelta(days=45)).where(
            Person.id == sample_org.admin.id).execute()
    assert try_ramp(as_admin, 6) == "meets"
    assert try_ramp(as_admin, 4) == "fails"
    assert try_ramp(as_admin, 10) == "exceeds"
    assert try_ramp(as_admin, 30, direction="lower", meets=20, exceeds=10) == "meets"


def test_dualdash_plugins_command_lists_it(runner):
    result = runner.invoke(args=["plugins"])
    assert result.exit_code == 0, result.output
    assert re.search(r"^sales_org +setting PLUGINS$", result.output, re.M)
    assert re.search(r"^ +hooks: dualdash_band_rules, dualdash_coaching_questions, "
                     r"dualdash_driver_definitions, dualdash_kpi_library$", result.output, re.M)
    assert "8 drivers, 3 band rules" in result.output


@pytest.mark.parametrize("dualdash_plugins, app_config", [([], {"PLUGINS_DIR": str(Path(__file__).parent)})])
def test_loads_from_the_plugins_folder_without_its_tests(runner):
    """This folder is the default plugins folder of a checkout: the plugin loads, its tests do not."""
    result = runner.invoke(args=["plugins"])
    assert result.exit_code == 0, result.output
    assert re.search(r"^sales_org +file .*sales_org\.py$", result.output, re.M)
    assert "test_sales_org" not in result.output and "conftest" not in result.output
