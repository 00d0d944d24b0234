"""Dates at the ends of the calendar: every accepted date is bounded (dualdash.shared.dates), and a
date outside the window answers 400 with a clear message, never 500."""
import datetime

import pytest

from dualdash.coaching import meetings as core
from dualdash.coaching.models import Meeting
from dualdash.kpis import periods
from dualdash.shared import dates
from dualdash.testing import login
from dualdash.web.tokens import issue_token

ENDS = ("9999-12-31", "9999-W52", "0001-W01", "0001-01-01", "1899-12-31", "2101-01-01", "9999", "0001",
        "9999-12", "9999-Q4", "0000-W01")


def test_the_window_is_one_constant():
    assert (dates.EARLIEST, dates.LATEST) == (datetime.date(1900, 1, 1), datetime.date(2100, 12, 31))
    assert dates.in_window(dates.EARLIEST) and dates.in_window(dates.LATEST)
    assert not dates.in_window(datetime.date(9999, 12, 31))
    for text in ENDS:
        with pytest.raises(ValueError, match="outside the"):
            periods.parse(text, _cadence_of(text))
    # The ends of the window themselves still work, a period after and before them too.
    assert periods.parse("2100-12-31", "weekly").end >= datetime.date(2100, 12, 31)
    assert periods.parse("1900-01-01", "annual").start == datetime.date(1900, 1, 1)


def _cadence_of(text):
    if text.count("-") == 2:
        return "daily"
    if "W" in text:
        return "weekly"
    if "Q" in text:
        return "quarterly"
    return "monthly" if "-" in text else "annual"


def _urls(org, kpis):
    person, team = org.member.id, org.teams.sales.id
    urls = []
    for value in ENDS:
        urls += [f"/people/{person}/scorecard?period={value}", f"/teams/{team}/scorecard?period={value}",
                 f"/scorecards/?period={value}", f"/rank-stacks/calls?to={value}",
                 f"/rank-stacks/calls?from={value}"]
    for value in ("9999-12-31", "0001-01-01", "2101-01-01", "1899-12-31"):
        urls += [f"/admin/kpis/{kpis.calls.id}/benchmarks?date={value}", f"/admin/audit/?date_to={value}",
                 f"/admin/audit/?date_from={value}", f"/admin/audit/export.csv?date_to={value}",
                 f"/reports/follow-through?to={value}"]
    return urls


def test_pages_answer_400_at_the_ends_of_the_calendar(app, sample_org, sample_kpis):
    client = login(app.test_client(), sample_org.admin)
    answers = {url: client.get(url).status_code for url in _urls(sample_org, sample_kpis)}
    # Pages that do not exist here are not part of the walk: each URL must be a real page.
    assert not [url for url, code in answers.items() if code in (404, 302)], answers
    assert {url: code for url, code in answers.items() if code != 400} == {}


def test_the_message_says_which_dates_are_accepted(app, sample_org, sample_kpis):
    client = login(app.test_client(), sample_org.admin)
    for url in (f"/people/{sample_org.member.id}/scorecard?period=9999-12-31", "/admin/audit/?date_to=9999-12-31",
                f"/admin/kpis/{sample_kpis.calls.id}/benchmarks?date=9999-12-31"):
        html = client.get(url).get_data(as_text=True)
        assert "from 1900-01-01 to 2100-12-31" in html, url


def test_the_api_answers_400(app, sample_org, sample_kpis):
    _, token = issue_token(sample_org.admin, "dates")
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    for value in ENDS:
        r = client.get(f"/api/v1/people/{sample_org.member.email}/scorecard?period={value}", headers=headers)
        assert r.status_code == 400 and "outside the" in r.get_json()["message"], (value, r.get_json())
        r = client.get(f"/api/v1/rank-stacks/calls?to={value}", headers=headers)
        assert r.status_code == 400, (value, r.get_json())


def test_a_repeating_one_on_one_at_the_end_of_the_calendar_can_be_held(app, sample_org):
    # Stored before the window was enforced: marking it held used to fail for good (OverflowError).
    meeting = Meeting.create(manager=sample_org.manager, report=sample_org.member,
                             scheduled_for=datetime.datetime(9999, 12, 31, 10, 0), repeat_every_days=7)
    held, following = core.mark_held(meeting)
    assert held and following is None
    assert Meeting.get_by_id(meeting.id).status == "held"
    near = Meeting.create(manager=sample_org.manager, report=sample_org.member,
                          scheduled_for=datetime.datetime(2100, 12, 28, 10, 0), repeat_every_days=7)
    assert core.mark_held(near) == (True, None)  # the next one would be in 2101


def test_scheduling_outside_the_window_is_refused_beside_the_field(app, sample_org):
    client = login(app.test_client(), sample_org.manager)
    r = client.post("/meetings/new", data={"report": sample_org.member.id,
                                           "scheduled_for": "9999-12-31T10:00", "repeat_every_days": "7"})
    assert r.status_code == 400
    assert "outside the dates Dual Dash accepts" in r.get_data(as_text=True)
    assert Meeting.select().count() == 0
