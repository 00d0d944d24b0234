"""The measurement grid: people × their scorecard KPIs for one period, saved all or nothing."""
import datetime
import json
import re

import pytest

from dualdash.kpis import periods
from dualdash.kpis.models import KPI, Measurement, Scorecard, ScorecardKPI
from dualdash.org import settings as org_settings
from dualdash.org.audit import AuditLog
from dualdash.org.models import Person
from dualdash.testing import login

D = datetime.date
W47 = D(2026, 11, 16)
GRID = "/measurements/grid?period=2026-W47"


def stored():
    """Every stored measurement: {(person id, KPI id, period start): (value, note)}."""
    return {(m.person_id, m.kpi_id, m.period_start): (m.value, m.note) for m in Measurement.select()}


def cell(person, kpi):
    return f"{person.id}-{kpi.id}"


def put(person, kpi, value, note=None, start=W47):
    Measurement.create(person=person, kpi=kpi, period_start=start, value=value, note=note)


def input_tag(html, name):
    """The whole <input …> tag named ``name`` (fails the test when there is none)."""
    found = re.search(r'<input[^>]*\bname="%s"[^>]*>' % re.escape(name), html)
    assert found, f"no input named {name}"
    return found.group(0)


def row_names(html):
    return [name.strip() for name in re.findall(r'<th scope="row">([^<]+)', html)]


def enable_self_reporting(app):
    with app.test_request_context():
        org_settings.save(org_settings.OrgSettings(self_reporting=True))


# --- what the manager sees ---------------------------------------------------------------------

def test_manager_sees_their_people_and_their_scorecard_kpis(as_manager, sample_org, sample_kpis):
    org, k = sample_org, sample_kpis
    put(org.member, k.calls, 7, "Short week")
    put(org.member, k.calls, 99, start=D(2026, 11, 9))  # another week: not shown
    html = as_manager.get(GRID).get_data(as_text=True)
    assert row_names(html) == ["Ian Indirect", "Mia Member", "Mo Member"]  # the whole subtree, by name
    assert "Pete Peer" not in html and "Paula" not in html and "Maria Manager</th>" not in html
    # Columns: the union of their KPIs, in scorecard order (response is Mia's own addition).
    assert re.findall(r'<th scope="col">([^<]+?) <span', html) == ["Calls made", "Revenue", "First response time"]
    calls = input_tag(html, f"v-{cell(org.member, k.calls)}")
    assert 'type="number"' in calls and 'step="any"' in calls and 'value="7"' in calls
    assert 'aria-label="Calls made for Mo Member, week of 16 Nov 2026"' in calls
    note = input_tag(html, f"n-{cell(org.member, k.calls)}")
    assert 'value="Short week"' in note and 'aria-label="Note on Calls made for Mo Member, week of 16 Nov 2026"' in note
    # Mo has no response KPI: not applicable, no input; Mia has one.
    assert f'name="v-{cell(org.member, k.response)}"' not in html
    assert "Not on Mo Member’s scorecard" in html
    assert f'name="v-{cell(org.member2, k.response)}"' in html
    # Period navigation.
    assert 'href="/measurements/grid?period=2026-W46&amp;cadence=weekly"' in html
    assert 'href="/measurements/grid?period=2026-W48&amp;cadence=weekly"' in html


def test_default_period_is_the_current_week(as_manager, sample_kpis):
    html = as_manager.get("/measurements/grid").get_data(as_text=True)
    week = periods.containing(datetime.date.today(), "weekly")
    assert f'value="{periods.key(week)}"' in html
    assert periods.label(week) in html


def test_any_period_text_and_bad_ones(as_manager, sample_kpis):
    html = as_manager.get("/measurements/grid?period=2026-11-18").get_data(as_text=True)
    assert "Week of 16 Nov 2026" in html and 'value="2026-W47"' in html
    response = as_manager.get("/measurements/grid?period=next+week")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "is not a period" in html and 'aria-invalid="true"' in html and 'value="next week"' in html
    response = as_manager.get("/measurements/grid?period=2026-11")  # a month, but the grid is weekly
    assert response.status_code == 400
    assert "the grid shows KPIs measured weekly" in response.get_data(as_text=True)
    assert as_manager.get("/measurements/grid?cadence=hourly").status_code == 400


def test_cadence_chooses_the_kpis(app, as_manager, sample_org, sample_kpis):
    html = as_manager.get("/measurements/grid?cadence=monthly&period=2026-11").get_data(as_text=True)
    assert "has a KPI measured monthly on their scorecard" in html and "<table" not in html
    quota = KPI.create(key="quota", name="Quota attainment", unit="percent", cadence="monthly", rollup="mean")
    ScorecardKPI.create(scorecard=sample_kpis.scorecards.ae, kpi=quota, position=3)
    html = as_manager.get("/measurements/grid?cadence=monthly&period=2026-11-18").get_data(as_text=True)
    assert "November 2026" in html and 'value="2026-11"' in html
    assert re.findall(r'<th scope="col">([^<]+?) <span', html) == ["Quota attainment"]
    response = as_manager.post("/measurements/grid?cadence=monthly&period=2026-11",
                               data={f"v-{cell(sample_org.member, quota)}": "87.5"})
    assert response.status_code == 302
    assert stored() == {(sample_org.member.id, quota.id, D(2026, 11, 1)): (87.5, None)}


# --- saving ------------------------------------------------------------------------------------

def test_saving_creates_changes_and_removes(as_manager, sample_org, sample_kpis):
    org, k = sample_org, sample_kpis
    data = {f"v-{cell(org.member, k.calls)}": "12", f"n-{cell(org.member, k.calls)}": "",
            f"v-{cell(org.member, k.revenue)}": "1500.5", f"n-{cell(org.member, k.revenue)}": "Big renewal",
            f"v-{cell(org.member2, k.response)}": " 45 ", f"n-{cell(org.member2, k.response)}": "",
            f"v-{cell(org.indirect, k.calls)}": "", f"n-{cell(org.indirect, k.calls)}": ""}
    response = as_manager.post(GRID, data=data)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/measurements/grid?period=2026-W47&cadence=weekly")
    assert stored() == {(org.member.id, k.calls.id, W47): (12, None),
                        (org.member.id, k.revenue.id, W47): (1500.5, "Big renewal"),
                        (org.member2.id, k.response.id, W47): (45, None)}
    page = as_manager.get(response.headers["Location"]).get_data(as_text=True)
    assert "Saved: 3 new, 0 changed, 0 removed." in page
    assert 'value="1500.5"' in page and 'value="Big renewal"' in page  # prefilled, note kept
    assert Measurement.get(Measurement.kpi == k.calls).entered_by_id == org.manager.id

    # Change one, clear one (no data: removed, never zero), keep the note of the third.
    data.update({f"v-{cell(org.member, k.calls)}": "14", f"v-{cell(org.member2, k.response)}": ""})
    response = as_manager.post(GRID, data=data, follow_redirects=True)
    assert "Saved: 0 new, 1 changed, 1 removed." in response.get_data(as_text=True)
    assert stored() == {(org.member.id, k.calls.id, W47): (14, None),
                        (org.member.id, k.revenue.id, W47): (1500.5, "Big renewal")}

    # The same grid again: nothing changes.
    response = as_manager.post(GRID, data=data, follow_redirects=True)
    assert "Saved: 0 new, 0 changed, 0 removed." in response.get_data(as_text=True)

    audits = list(AuditLog.select().where(AuditLog.action == "measurements.grid").order_by(AuditLog.id))
    assert len(audits) == 3 and all(a.actor_id == org.manager.id for a in audits)
    first = json.loads(audits[0].after)
    assert (first["created"], first["updated"], first["removed"], first["period"]) == (3, 0, 0, "2026-W47")
    assert json.loads(audits[1].after)["removed"] == 1


def test_cells_not_sent_are_left_alone(as_manager, sample_org, sample_kpis):
    org, k = sample_org, sample_kpis
    put(org.member, k.calls, 7, "Kept")
    put(org.member2, k.calls, 9)
    response = as_manager.post(GRID, data={f"v-{cell(org.member2, k.calls)}": "10"})
    assert response.status_code == 302
    assert stored()[(org.member.id, k.calls.id, W47)] == (7, "Kept")
    assert stored()[(org.member2.id, k.calls.id, W47)] == (10, None)


def test_a_note_alone_is_refused_but_a_cleared_value_takes_its_note_along(as_manager, sample_org, sample_kpis):
    org, k = sample_org, sample_kpis
    put(org.member, k.calls, 7, "Old note")
    response = as_manager.post(GRID, data={f"v-{cell(org.member, k.revenue)}": "",
                                           f"n-{cell(org.member, k.revenue)}": "Forgot the number"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "A note needs a value" in html
    assert 'aria-describedby="n-%s-error"' % cell(org.member, k.revenue) in html
    assert 'value="Forgot the number"' in html
    # The prefilled note of a value being cleared goes with it.
    response = as_manager.post(GRID, data={f"v-{cell(org.member, k.calls)}": "",
                                           f"n-{cell(org.member, k.calls)}": "Old note"})
    assert response.status_code == 302 and stored() == {}


def test_bad_cells_write_nothing_and_keep_every_typed_value(as_manager, sample_org, sample_kpis):
    org, k = sample_org, sample_kpis
    put(org.member2, k.revenue, 800)
    before = stored()
    data = {f"v-{cell(org.member, k.calls)}": "-3", f"n-{cell(org.member, k.calls)}": "Typed note",
            f"v-{cell(org.member, k.revenue)}": "1200",
            f"v-{cell(org.member2, k.calls)}": "lots",
            f"v-{cell(org.member2, k.revenue)}": "",
            f"v-{cell(org.indirect, k.calls)}": "4", f"n-{cell(org.indirect, k.calls)}": "x" * 2001}
    response = as_manager.post(GRID, data=data)
    assert response.status_code == 400
    assert stored() == before and not AuditLog.select().where(AuditLog.action == "measurements.grid").exists()
    html = response.get_data(as_text=True)
    assert "Nothing was saved: 3 values need fixing" in html
    bad = {f"v-{cell(org.member, k.calls)}": "A count cannot be negative.",
           f"v-{cell(org.member2, k.calls)}": "“lots” is not a number.",
           f"n-{cell(org.indirect, k.calls)}": "The note is longer than 2,000 characters."}
    for name, message in bad.items():
        tag = input_tag(html, name)
        assert 'aria-invalid="true"' in tag and f'aria-describedby="{name}-error"' in tag
        assert f'<p class="error" id="{name}-error">{message}</p>' in html
        assert f'href="#{name}"' in html  # the summary links to the cell
    # Every typed value is back, the valid ones too; the stored one cleared stays cleared.
    assert 'value="-3"' in input_tag(html, f"v-{cell(org.member, k.calls)}")
    assert 'value="Typed note"' in input_tag(html, f"n-{cell(org.member, k.calls)}")
    assert 'value="1200"' in input_tag(html, f"v-{cell(org.member, k.revenue)}")
    assert 'value="lots"' in input_tag(html, f"v-{cell(org.member2, k.calls)}")
    assert 'type="text"' in input_tag(html, f"v-{cell(org.member2, k.calls)}")  # so "lots" is shown
    assert 'value=""' in input_tag(html, f"v-{cell(org.member2, k.revenue)}")
    assert 'value="4"' in input_tag(html, f"v-{cell(org.indirect, k.calls)}")
    assert "aria-invalid" not in input_tag(html, f"v-{cell(org.member, k.revenue)}")


def test_a_forged_post_cannot_write_for_a_peers_report(as_manager, sample_org, sample_kpis):
    org, k = sample_org, sample_kpis
    for data in ({f"v-{cell(org.peer_report, k.response)}": "5"},
                 {f"v-{cell(org.peer_report, k.response)}": "5", f"v-{cell(org.member, k.calls)}": "3"},
                 {f"v-{cell(org.member, k.response)}": "5"}):  # a KPI not on Mo's scorecard
        response = as_manager.post(GRID, data=data)
        assert response.status_code == 400
        assert "nothing was saved" in response.get_data(as_text=True)
        assert stored() == {}
    response = as_manager.post(GRID + "&team=%d" % org.teams.support.id,
                               data={f"v-{cell(org.peer_report, k.response)}": "5"})
    assert response.status_code == 400 and stored() == {}


def test_a_member_may_not_use_the_grid_unless_self_reporting(app, as_member, sample_org, sample_kpis):
    org, k = sample_org, sample_kpis
    response = as_member.get(GRID)
    assert response.status_code == 403
    assert "There is no one you may enter measurements for" in response.get_data(as_text=True)
    assert as_member.post(GRID, data={f"v-{cell(org.member, k.calls)}": "3"}).status_code == 403
    assert stored() == {}

    enable_self_reporting(app)
    html = as_member.get(GRID).get_data(as_text=True)
    assert row_names(html) == ["Mo Member"]
    assert 'name="team"' not in html  # nothing to filter
    response = as_member.post(GRID, data={f"v-{cell(org.member, k.calls)}": "3",
                                          f"v-{cell(org.member2, k.calls)}": "30"})
    assert response.status_code == 400 and stored() == {}
    response = as_member.post(GRID, data={f"v-{cell(org.member, k.calls)}": "3"})
    assert response.status_code == 302
    assert stored() == {(org.member.id, k.calls.id, W47): (3, None)}


def test_a_manager_gets_their_own_row_when_self_reporting(app, as_manager, sample_org, sample_kpis):
    assert "Maria Manager" not in row_names(as_manager.get(GRID).get_data(as_text=True))
    enable_self_reporting(app)
    assert "Maria Manager" in row_names(as_manager.get(GRID).get_data(as_text=True))


def test_anonymous_is_sent_to_sign_in(client, sample_kpis):
    response = client.get(GRID)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# --- the admin's grid --------------------------------------------------------------------------

def test_admin_grid_team_filter(app, as_admin, sample_org, sample_kpis):
    org, k = sample_org, sample_kpis
    # Default: the admin's own team (Company) with the teams inside it.
    html = as_admin.get(GRID).get_data(as_text=True)
    assert row_names(html) == ["Ian Indirect", "Maria Manager", "Mia Member", "Mo Member", "Paula Peer-Report",
                               "Pete Peer"]
    assert "Dana Director" not in html  # no KPI of this cadence on her scorecard
    assert '<option selected value="%d">Company</option>' % org.teams.company.id in html
    html = as_admin.get(GRID + "&team=%d" % org.teams.support.id).get_data(as_text=True)
    assert row_names(html) == ["Paula Peer-Report", "Pete Peer"]
    assert "Company / Support" in html
    assert re.findall(r'<th scope="col">([^<]+?) <span', html) == ["First response time"]
    assert 'href="/measurements/grid?period=2026-W48&amp;cadence=weekly&amp;team=%d"' % org.teams.support.id in html
    assert len(row_names(as_admin.get(GRID + "&team=all").get_data(as_text=True))) == 6
    assert as_admin.get(GRID + "&team=999999").status_code == 400
    # An admin writes for anyone.
    response = as_admin.post(GRID + "&team=%d" % org.teams.support.id,
                             data={f"v-{cell(org.peer_report, k.response)}": "25"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"&team={org.teams.support.id}")
    assert stored() == {(org.peer_report.id, k.response.id, W47): (25, None)}


def test_admin_grid_is_paged(app, as_admin, sample_org, sample_kpis):
    app.config["PEOPLE_PER_PAGE"] = 4
    html = as_admin.get(GRID).get_data(as_text=True)
    assert row_names(html) == ["Ian Indirect", "Maria Manager", "Mia Member", "Mo Member"]
    assert "Page 1 of 2 (6 in all)" in html
    html = as_admin.get(GRID + "&page=2").get_data(as_text=True)
    assert row_names(html) == ["Paula Peer-Report", "Pete Peer"]
    assert 'action="/measurements/grid?period=2026-W47&amp;cadence=weekly&amp;page=2"' in html
    response = as_admin.post(GRID + "&page=2", data={f"v-{cell(sample_org.peer, sample_kpis.response)}": "31"})
    assert response.headers["Location"].endswith("&page=2")
    # A cell of page 1 sent to page 2 is refused, not silently dropped.
    response = as_admin.post(GRID + "&page=2", data={f"v-{cell(sample_org.member, sample_kpis.calls)}": "1"})
    assert response.status_code == 400


# --- weeks that do not start on Monday -----------------------------------------------------------

def test_weeks_starting_on_a_tuesday(app, as_manager, sample_org, sample_kpis):
    with app.test_request_context():
        org_settings.save(org_settings.OrgSettings(week_start=1))
    html = as_manager.get(GRID).get_data(as_text=True)
    assert "Week of 17 Nov 2026" in html  # the Tuesday-to-Monday week holding most of ISO week 47
    assert 'href="/measurements/grid?period=2026-W48&amp;cadence=weekly"' in html
    assert "Week of 24 Nov 2026" in as_manager.get("/measurements/grid?period=2026-W48").get_data(as_text=True)
    as_manager.post(GRID, data={f"v-{cell(sample_org.member, sample_kpis.calls)}": "5"})
    assert stored() == {(sample_org.member.id, sample_kpis.calls.id, D(2026, 11, 17)): (5, None)}


# --- a fixed number of queries -----------------------------------------------------------------

def _grow_team(org, kpis, count):
    """``count`` more Account Executives reporting to the manager, with values and notes."""
    for i in range(count):
        person = Person.create(email=f"extra{i}@example.com", name=f"Extra {i:02d}", team=org.teams.sales,
                               role=org.roles.ae, level=org.levels["Established"], manager=org.manager)
        put(person, kpis.calls, i, f"note {i}")
        card = Scorecard.create(name=f"Added for {i}", person=person)
        ScorecardKPI.create(scorecard=card, kpi=kpis.response, position=1)


def _grid_queries(app, count_queries, org, k):
    client = login(app.test_client(), org.manager)
    people = list(Person.select().where(Person.manager == org.manager))
    data = {}
    for person in people:
        data[f"v-{cell(person, k.calls)}"] = "3"
        data[f"n-{cell(person, k.calls)}"] = "n"
        data[f"v-{cell(person, k.revenue)}"] = "10"
    get = count_queries(lambda: client.get(GRID))
    post = count_queries(lambda: client.post(GRID, data=data))
    bad = count_queries(lambda: client.post(GRID, data={**data, f"v-{cell(org.member, k.calls)}": "x"}))
    return get, post, bad


def test_query_count_does_not_grow_with_the_team(app, sample_org, sample_kpis, count_queries):
    small = _grid_queries(app, count_queries, sample_org, sample_kpis)
    _grow_team(sample_org, sample_kpis, 30)
    large = _grid_queries(app, count_queries, sample_org, sample_kpis)
    assert Measurement.select().count() > 60
    assert small == large


def test_admin_query_count_does_not_grow_with_the_organization(app, sample_org, sample_kpis, count_queries):
    client = login(app.test_client(), sample_org.admin)
    small = count_queries(lambda: client.get(GRID + "&team=all"))
    _grow_team(sample_org, sample_kpis, 30)
    assert count_queries(lambda: client.get(GRID + "&team=all")) == small


@pytest.mark.parametrize("week_start", range(7))
def test_a_week_key_names_the_same_week_back(app, week_start):
    """periods.key and periods.parse agree whatever day weeks start on (the grid's links rely on it)."""
    week = periods.containing(D(2026, 1, 1), "weekly", week_start)
    for _ in range(60):
        assert periods.parse(periods.key(week), "weekly", week_start) == week
        week = periods.shift(week, 1, week_start)


def test_the_grid_carries_a_csrf_token(app, as_manager, sample_org, sample_kpis):
    app.config["WTF_CSRF_ENABLED"] = True
    name = f"v-{cell(sample_org.member, sample_kpis.calls)}"
    assert as_manager.post(GRID, data={name: "3"}).status_code == 400  # no token: refused
    assert stored() == {}
    html = as_manager.get(GRID).get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html.split('class="entry-grid-form"')[1]).group(1)
    assert as_manager.post(GRID, data={name: "3", "csrf_token": token}).status_code == 302
    assert len(stored()) == 1


def test_a_value_before_the_persons_start_date_is_saved_with_a_warning(app, as_manager, sample_org, sample_kpis):
    org, k = sample_org, sample_kpis
    with app.app_context():
        Person.update(start_date=D(2026, 12, 1)).where(Person.id == org.member.id).execute()
    page = as_manager.get(GRID).get_data(as_text=True)
    assert "Warning: started 1 Dec 2026, after this period" in page
    assert page.count("after this period") == 1  # only the person who started later
    data = {f"v-{cell(org.member, k.calls)}": "12", f"n-{cell(org.member, k.calls)}": "",
            f"v-{cell(org.member, k.revenue)}": "900", f"n-{cell(org.member, k.revenue)}": "",
            f"v-{cell(org.member2, k.calls)}": "7", f"n-{cell(org.member2, k.calls)}": ""}
    response = as_manager.post(GRID, data=data, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Saved: 3 new, 0 changed, 0 removed." in html
    assert "Warning: 2 values are dated before the person&#39;s start date" in html
    assert len(stored()) == 3  # a warning, not a refusal
    # A period the person had started by: no warning.
    with app.app_context():
        Person.update(start_date=D(2026, 11, 18)).where(Person.id == org.member.id).execute()
    again = as_manager.post(GRID, data=data, follow_redirects=True).get_data(as_text=True)
    assert "start date" not in again
