"""Dates, times and KPI values are written one way on every page (through dualdash.shared.formats and
dualdash.kpis.values_text), and machine forms (CSV, JSON, inputs) stay ISO 8601 and plain numbers."""
import datetime
import html
import pathlib
import re

import pytest

from dualdash.coaching.models import ActionItem, Meeting
from dualdash.kpis.models import Benchmark, Measurement
from dualdash.org import settings as org_settings
from dualdash.shared.formats import datetime_text
from dualdash.web.models import ApiToken
from dualdash.web.tokens import hash_token

ROOT = pathlib.Path(__file__).resolve().parents[2]
WEEK = datetime.date(2026, 11, 30)  # a Monday: the week the values are for
HELD_AT = datetime.datetime(2026, 12, 4, 9, 30)  # a Friday
#: Every way a date used to be written by hand, and the machine forms that people should not read.
BY_HAND = [(re.compile(r"\bstrftime\("), "strftime()"), (re.compile(r"\.isoformat\("), "isoformat()"),
           (re.compile(r"'\{:,\}'\.format|'%\.\d?f'"), "a number formatted by hand")]


def lines_written_by_hand(folder, patterns, suffixes):
    for path in sorted((ROOT / folder).rglob("*")):
        if path.suffix not in suffixes:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for pattern, what in patterns:
                if pattern.search(line):
                    yield f"{path.relative_to(ROOT)}:{number}: {what}: {line.strip()}"


def test_no_template_writes_a_date_or_number_by_hand():
    found = list(lines_written_by_hand("templates", BY_HAND, {".html", ".txt", ".svg"}))
    assert not found, "Use the filters of dualdash/shared/formats.py (date_text, datetime_text, time_text, " \
                      "iso_text, number_text) instead:\n" + "\n".join(found)


def test_no_python_writes_a_month_or_weekday_name_by_hand():
    # A month or weekday name in a strftime pattern is text for people: it belongs to shared/formats.py.
    names = [(re.compile(r"%[aAbB]"), "a month or weekday name")]
    found = [line for line in lines_written_by_hand("dualdash", names, {".py"})
             if not line.startswith("dualdash/shared/formats.py")]
    assert not found, "Use dualdash.shared.formats (date_text, datetime_text) instead:\n" + "\n".join(found)


@pytest.fixture
def held(app, sample_org, sample_kpis):
    """Mo's revenue of the week of 30 Nov 2026 ($12,000 against Meets $9,000), reviewed in a 1:1 on
    Fri 4 Dec 2026 at 09:30 with an action item due that day."""
    org, kpis = sample_org, sample_kpis
    with app.app_context():
        kpis.revenue.decimals = 0
        kpis.revenue.save()
        Benchmark.update(meets=9000, exceeds=15000).where(Benchmark.kpi == kpis.revenue.id).execute()
        Measurement.create(person=org.member, kpi=kpis.revenue, period_start=WEEK, value=12000)
        meeting = Meeting.create(manager=org.manager, report=org.member, scheduled_for=HELD_AT)
        ActionItem.create(owner=org.member, description="Send the Acme proposal", meeting=meeting,
                          due_date=HELD_AT.date(), created_by=org.manager)
    return org, meeting


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return html.unescape(re.sub(r"\s+", " ", response.get_data(as_text=True)))


def words(markup):
    """What people read: the text without the tags."""
    return re.sub(r"<[^>]+>", "", markup)


def test_the_same_value_reads_the_same_on_every_page(held, as_manager):
    org, meeting = held
    pages = {
        "person scorecard": f"/people/{org.member.id}/scorecard?period=2026-W49",
        "team scorecard": f"/teams/{org.member.team_id}/scorecard?period=2026-W49",
        "rank stack": "/rank-stacks/revenue?from=2026-W49&to=2026-W49",
        "worksheet": f"/meetings/{meeting.id}/worksheet",
    }
    for name, url in pages.items():
        text = words(page(as_manager, url))
        assert "$12,000" in text, name
        assert not re.search(r"(?<![\d,.])12000(?![\d])", text), (name, text[text.find("12000") - 200:][:300])
    assert "Meets $9,000 · Exceeds $15,000" in page(as_manager, pages["person scorecard"])
    # The week is in progress: the rank stack's line is the part of $9,000 that has passed, written alike.
    assert re.search(r"<td>\$\d,\d{3}</td>", page(as_manager, pages["rank stack"]))
    assert "$9,000 / $15,000" in page(as_manager, pages["worksheet"])


def test_the_currency_setting_changes_the_symbol_everywhere(app, held, as_manager):
    org, meeting = held
    with app.app_context():
        org_settings.save(org_settings.OrgSettings(currency="EUR"))
    for url in (f"/people/{org.member.id}/scorecard?period=2026-W49", "/rank-stacks/revenue?from=2026-W49&to=2026-W49",
                f"/meetings/{meeting.id}/worksheet"):
        text = page(as_manager, url)
        assert "€12,000" in text and "$12,000" not in text, url


def test_the_same_date_reads_the_same_on_every_page(held, as_manager):
    org, meeting = held
    when = "Fri 4 Dec 2026, 09:30"
    for url in (f"/meetings/{meeting.id}", "/meetings/", f"/meetings/{meeting.id}/worksheet",
                f"/people/{org.member.id}/meetings"):
        assert when in page(as_manager, url), url
    assert "4 Dec 2026" in page(as_manager, "/action-items/?status=open")
    assert "Week of 30 Nov 2026" in page(as_manager, f"/people/{org.member.id}/scorecard?period=2026-W49")
    meeting_page = page(as_manager, f"/meetings/{meeting.id}")
    assert '<time datetime="2026-12-04T09:30">' in meeting_page  # machines read ISO 8601
    assert re.search(r'<td data-label="Due"><time datetime="2026-12-04">4 Dec 2026</time></td>', meeting_page)


def test_the_dashboard_writes_an_upcoming_1_1_like_the_meeting_page(app, sample_org, as_manager):
    soon = datetime.datetime.combine(datetime.date.today() + datetime.timedelta(days=2), datetime.time(9, 30))
    with app.app_context():
        meeting = Meeting.create(manager=sample_org.manager, report=sample_org.member, scheduled_for=soon)
    written = datetime_text(soon)
    assert re.fullmatch(r"[A-Z][a-z]{2} \d{1,2} [A-Z][a-z]{2} \d{4}, 09:30", written)
    assert f"{written} with {sample_org.member.name}" in words(page(as_manager, "/dashboard"))
    assert written in page(as_manager, f"/meetings/{meeting.id}")


def test_machine_forms_stay_iso_and_plain(app, held, as_manager):
    org, _ = held
    csv = as_manager.get(f"/people/{org.member.id}/scorecard?period=2026-W49&format=csv").get_data(as_text=True)
    assert "2026-11-30" in csv and "12000" in csv and "$" not in csv and "Nov 2026" not in csv
    token = "dd_test_formats"
    with app.app_context():
        ApiToken.create(person=org.manager, name="test", token_hash=hash_token(token))
    api = as_manager.get(f"/api/v1/people/{org.member.email}/scorecard?period=2026-W49",
                         headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 200
    body = api.get_json()
    assert body["period"]["start"] == "2026-11-30"
    [revenue] = [row for row in body["kpis"] if row["key"] == "revenue"] if "kpis" in body else [None]
    assert revenue is None or revenue["value"] == 12000


def test_plugins_write_with_the_same_functions(app, sample_org):
    import dualdash
    with app.app_context():
        kpi = dualdash.KPIInfo(key="revenue", name="Revenue", direction="higher", unit="currency")
        assert dualdash.value_text(12000, kpi) == "$12,000"
        assert dualdash.value_text(87, dualdash.KPIInfo("win", "Win rate", "higher", unit="percent")) == "87%"
    assert dualdash.date_text(HELD_AT) == "4 Dec 2026" and dualdash.datetime_text(HELD_AT) == "Fri 4 Dec 2026, 09:30"
    assert dualdash.time_text(HELD_AT) == "09:30" and dualdash.iso_text(HELD_AT) == "2026-12-04T09:30"
    assert dualdash.number_text(1234.5, 1) == "1,234.5" and dualdash.currency_text(12000, "EUR") == "€12,000"
