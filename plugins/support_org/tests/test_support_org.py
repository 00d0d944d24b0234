"""Tests of the support organization plugin: its tolerance rule, the plugin in the app, and its
discovery as an installed package through the ``dualdash`` entry point group."""
import datetime
import re
from pathlib import Path
from types import SimpleNamespace

import dualdash_support_org as support
import pytest

from dualdash import Band, BenchmarkInfo, KPIInfo, PersonInfo, WorksheetSection
from dualdash.plugins.manager import PluginsFailed, current
from dualdash.testing import make_app

# Requested here rather than in conftest.py: see conftest.py. A no-op when already loaded.
pytest_plugins = ["dualdash.testing"]

PACKAGE_ROOT = Path(__file__).resolve().parent.parent  # the folder holding pyproject.toml
LOWER = KPIInfo(key="first_response_time", name="First response time", direction="lower", unit="duration")
HIGHER = KPIInfo(key="csat", name="CSAT", direction="higher", unit="percent")


@pytest.fixture
def dualdash_plugins():
    return [support]


def band(value, kpi, meets, exceeds, tolerance=0.10):
    return support.tolerance_band(value, kpi, BenchmarkInfo(meets=meets, exceeds=exceeds), tolerance)


@pytest.mark.parametrize("value, expected", [
    # Lower is better, Meets at 60 minutes, Exceeds at 30: up to 66 still Meets.
    (20, Band.EXCEEDS), (30, Band.EXCEEDS), (30.5, Band.MEETS), (60, Band.MEETS),
    (63, Band.MEETS), (66, Band.MEETS), (66.1, Band.FAILS), (90, Band.FAILS),
])
def test_tolerance_lower_is_better(value, expected):
    assert band(value, LOWER, meets=60, exceeds=30) == expected


@pytest.mark.parametrize("value, expected", [
    # Higher is better, Meets at 90%, Exceeds at 95%: down to 81% still Meets.
    (99, Band.EXCEEDS), (95, Band.EXCEEDS), (94.9, Band.MEETS), (90, Band.MEETS),
    (81, Band.MEETS), (80.9, Band.FAILS), (50, Band.FAILS),
])
def test_tolerance_higher_is_better(value, expected):
    assert band(value, HIGHER, meets=90, exceeds=95) == expected


def test_a_wider_or_no_tolerance_zone():
    assert band(75, LOWER, meets=60, exceeds=30, tolerance=0.25) == Band.MEETS
    assert band(75.1, LOWER, meets=60, exceeds=30, tolerance=0.25) == Band.FAILS
    assert band(60.1, LOWER, meets=60, exceeds=30, tolerance=0) == Band.FAILS
    assert band(89.9, HIGHER, meets=90, exceeds=None, tolerance=0) == Band.FAILS


def test_tolerance_cannot_judge_without_a_meets_line():
    assert support.tolerance_band(50, LOWER, None, 0.1) is None
    assert band(50, LOWER, meets=None, exceeds=30) is None
    assert band(None, LOWER, meets=60, exceeds=30) is None


def test_the_rule_uses_the_default_tolerance_outside_an_app():
    rule = support.tolerance
    assert rule(value=66, kpi=LOWER, benchmark=BenchmarkInfo(60, 30), person=None, period=None) == Band.MEETS
    assert rule(value=67, kpi=LOWER, benchmark=BenchmarkInfo(60, 30), person=None, period=None) == Band.FAILS


def test_the_plugin_loads_with_its_definitions(app):
    fw = app.extensions["dualdash.plugins"]
    assert fw.errors == []
    assert [key for key, plugin in fw.provided_by.items() if plugin == "dualdash_support_org"] == [
        ("driver", "empathy"), ("driver", "case_ownership"), ("driver", "knowledge_sharing"),
        ("band rule", "tolerance"), ("KPI", "first_response_time"), ("KPI", "resolution_time"),
        ("KPI", "csat"), ("KPI", "tickets_resolved")]
    frt = fw.kpi_library["first_response_time"]
    assert (frt.unit, frt.direction, frt.band_rule, frt.meets, frt.exceeds) == ("duration", "lower",
                                                                                  "tolerance", 60, 30)
    assert fw.kpi_library["csat"].unit == "percent" and fw.kpi_library["csat"].direction == "higher"
    # No scale of its own: the default one.
    assert len(fw.drivers["case_ownership"].scale) == 5
    assert [p.label for p in fw.drivers["empathy"].scale][-1] == "Trusted"
    [framework] = fw.skill_frameworks
    assert framework.role == "Support Agent"
    assert framework.skills[1].expected == {"Junior": 2, "Intermediate": 3, "Senior": 4}
    assert [q.text for q in fw.questions_for("skill_gap", skill="troubleshooting")][-1].startswith(
        "Pick a recent case you escalated")
    assert app.extensions["dualdash_support_org"] == {"tolerance": 0.10}


def test_worksheet_section_for_support_agents(app):
    agent = PersonInfo(id=7, name="Ann <O'Brien>", email="ann@example.com", role="Support Agent")
    seller = PersonInfo(id=8, name="Sam", email="sam@example.com", role="Account Executive")
    meeting = SimpleNamespace(id=1, scheduled_for=datetime.date(2026, 3, 2))
    with app.test_request_context():
        [(plugin, sections)] = current().call_each("dualdash_worksheet_sections", meeting=meeting,
                                                   person=agent)
        assert current().call_each("dualdash_worksheet_sections", meeting=meeting, person=seller) == [
            (plugin, [])]
    assert plugin == "dualdash_support_org"
    [section] = sections
    assert isinstance(section, WorksheetSection) and section.title == "Queue health"
    assert "Go through Ann &lt;O&#39;Brien&gt;'s queue together" in section.html
    assert section.html.count("<li>") == len(support.QUEUE_CHECKS)


def test_drivers_page_shows_the_support_drivers(as_member):
    page = as_member.get("/drivers").get_data(as_text=True)
    for name in ("Empathy", "Case ownership", "Knowledge sharing"):
        assert f">{name}</h2>" in page
    assert "For: Support Agent" in page
    assert "Tell me about a customer who was upset: what did you say first?" in page


def test_plugins_page_lists_the_plugin_its_hooks_rule_and_library(as_admin):
    page = as_admin.get("/admin/plugins").get_data(as_text=True)
    assert ("<tr><td>dualdash_support_org</td><td>setting PLUGINS</td><td>dualdash_band_rules, "
            "dualdash_coaching_questions, dualdash_driver_definitions, dualdash_kpi_library, "
            "dualdash_skill_frameworks, dualdash_startup, dualdash_worksheet_sections</td></tr>") in page
    assert re.search(r"<td>tolerance</td><td>Thresholds with tolerance</td><td>[^<]+</td>"
                     r"<td>dualdash_support_org</td>", page)
    assert ("<td>first_response_time</td><td>First response time</td><td>duration</td><td>lower</td>"
            "<td>weekly</td><td>tolerance</td><td>60 / 30</td>") in page
    assert "<h3>Support Agent</h3>" in page


def try_tolerance(client, value, direction="lower", meets=60, exceeds=30):
    response = client.get(f"/admin/plugins?rule=tolerance&direction={direction}&meets={meets}"
                          f"&exceeds={exceeds}&value={value}")
    assert response.status_code == 200
    found = re.search(r'<span class="band band-(\w+)">', response.get_data(as_text=True))
    return found.group(1) if found else None


def test_try_out_form_bands_with_the_tolerance_rule(as_admin):
    assert try_tolerance(as_admin, 65) == "meets"
    assert try_tolerance(as_admin, 67) == "fails"
    assert try_tolerance(as_admin, 25) == "exceeds"
    assert try_tolerance(as_admin, 82, direction="higher", meets=90, exceeds=95) == "meets"
    assert try_tolerance(as_admin, 80, direction="higher", meets=90, exceeds=95) == "fails"


@pytest.mark.parametrize("app_config", [{"SUPPORT_TOLERANCE": 0.25}])
def test_the_tolerance_setting_is_read_at_start_up(app, as_admin):
    assert app.extensions["dualdash_support_org"] == {"tolerance": 0.25}
    assert try_tolerance(as_admin, 75) == "meets"
    assert try_tolerance(as_admin, 76) == "fails"
    assert try_tolerance(as_admin, 68, direction="higher", meets=90, exceeds=95) == "meets"


@pytest.mark.parametrize("app_config", [{"SUPPORT_TOLERANCE": 0}])
def test_a_zero_tolerance_is_plain_thresholds(as_admin):
    assert try_tolerance(as_admin, 60) == "meets"
    assert try_tolerance(as_admin, 61) == "fails"


@pytest.mark.parametrize("setting", [1.5, -0.1, "ten percent", True])
def test_a_bad_tolerance_setting_stops_the_app_naming_the_plugin(app, tmp_path, setting):
    with pytest.raises(PluginsFailed) as failed:
        make_app(tmp_path / "bad", app.config["DATABASE_URL"], PLUGINS=[support], SUPPORT_TOLERANCE=setting)
    message = str(failed.value)
    assert "plugin 'dualdash_support_org' in hook dualdash_startup" in message
    assert "SUPPORT_TOLERANCE must be a fraction" in message


def write_distribution(folder):
    """What ``pip install`` leaves in site-packages for this package, minus the code: its metadata."""
    dist_info = folder / "dualdash_support_org-0.1.0.dist-info"
    dist_info.mkdir()
    (dist_info / "METADATA").write_text("Metadata-Version: 2.1\nName: dualdash-support-org\nVersion: 0.1.0\n")
    # The same entry point as pyproject.toml declares.
    (dist_info / "entry_points.txt").write_text("[dualdash]\nsupport_org = dualdash_support_org\n")


def test_discovered_as_an_installed_package_through_its_entry_point(app, tmp_path, monkeypatch):
    site = tmp_path / "site-packages"
    site.mkdir()
    write_distribution(site)
    monkeypatch.syspath_prepend(str(PACKAGE_ROOT))
    monkeypatch.syspath_prepend(str(site))
    # The `app` fixture prepared the database; this app loads installed packages (tests usually don't).
    packaged = make_app(tmp_path / "packaged", app.config["DATABASE_URL"], LOAD_ENTRY_POINTS=True)
    fw = packaged.extensions["dualdash.plugins"]
    assert fw.provided_by[("band rule", "tolerance")] == "support_org"
    result = packaged.test_cli_runner().invoke(args=["plugins"])
    assert re.search(r"^support_org +package dualdash-support-org 0\.1\.0$", result.output, re.M), result.output
    assert re.search(r"^ +hooks: dualdash_band_rules, .*dualdash_worksheet_sections$", result.output, re.M)
    assert "support_org" not in "".join(str(e) for e in fw.errors)


@pytest.mark.parametrize("app_config", [{"DISABLED_PLUGINS": ["dualdash_support_org"]}])
def test_it_can_be_disabled_by_name(app):
    fw = app.extensions["dualdash.plugins"]
    assert "empathy" not in fw.drivers and "tolerance" not in fw.band_rules
    assert "dualdash_support_org" not in app.extensions
