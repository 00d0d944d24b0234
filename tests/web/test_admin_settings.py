"""The organization settings page: saved, audited, and followed by how periods are computed."""
import datetime
import json

import pytest
from html_checks import assert_valid_html

from dualdash.kpis import periods
from dualdash.kpis.models import Measurement
from dualdash.org import settings as org_settings
from dualdash.org.audit import AuditLog

D = datetime.date
DEFAULTS = {"week_start": "0", "fiscal_year_start_month": "1", "min_group_size": "3", "currency": "USD"}


def settings_form(**changes):
    data = dict(DEFAULTS)
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def stored(app):
    with app.app_context():
        return org_settings.get()


@pytest.mark.parametrize("who", ["as_member", "as_manager"])
def test_members_and_managers_get_403(request, app, who):
    client = request.getfixturevalue(who)
    assert client.get("/admin/settings").status_code == 403
    assert client.post("/admin/settings", data=settings_form(week_start="6")).status_code == 403
    assert stored(app) == org_settings.OrgSettings()


def test_anonymous_is_sent_to_login(client, sample_org):
    for method in ("GET", "POST"):
        r = client.open("/admin/settings", method=method)
        assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_page_shows_the_current_settings(as_admin):
    r = as_admin.get("/admin/settings")
    assert r.status_code == 200
    assert_valid_html(r)
    html = r.get_data(as_text=True)
    assert '<option selected value="0">Monday</option>' in html and '<option value="6">Sunday</option>' in html
    assert '<option selected value="1">January</option>' in html and '<option value="4">April</option>' in html
    assert 'name="min_group_size" required type="number" value="3"' in html
    assert 'name="confirm_periods"' not in html  # nothing stored that a change would move


def test_save_every_setting_audited(app, as_admin, sample_org):
    r = as_admin.post("/admin/settings", data=settings_form(
        week_start="6", fiscal_year_start_month="4", self_reporting="y", rank_stacks_name_everyone="y",
        min_group_size="5"))
    assert r.status_code == 302
    assert stored(app) == org_settings.OrgSettings(week_start=6, fiscal_year_start_month=4, self_reporting=True,
                                                   rank_stacks_name_everyone=True, min_group_size=5)
    [entry] = AuditLog.select().where(AuditLog.object_type == "OrgSettings")
    assert entry.action == "update" and entry.actor_id == sample_org.admin.id
    assert json.loads(entry.before)["week_start"] == 0 and json.loads(entry.after)["week_start"] == 6
    assert json.loads(entry.after)["min_group_size"] == 5
    html = as_admin.get("/admin/settings").get_data(as_text=True)
    assert '<option selected value="6">Sunday</option>' in html
    assert 'checked id="self_reporting"' in html
    # Unticking a box turns it off again.
    as_admin.post("/admin/settings", data=settings_form(week_start="6", fiscal_year_start_month="4",
                                                        min_group_size="5"))
    assert stored(app).self_reporting is False and stored(app).rank_stacks_name_everyone is False


def test_saving_the_same_values_records_nothing(as_admin):
    assert as_admin.post("/admin/settings", data=settings_form()).status_code == 302
    assert not AuditLog.select().exists()


@pytest.mark.parametrize("changes, field, message", [
    ({"min_group_size": "0"}, "min_group_size", "Use a whole number from 1 to 1000."),
    ({"min_group_size": "three"}, "min_group_size", "Use a whole number from 1 to 1000."),
    ({"min_group_size": ""}, "min_group_size", "Give a minimum group size (1 or more)."),
    ({"week_start": "7"}, "week_start", "Choose a day of the week from the list."),
    ({"week_start": "Monday"}, "week_start", "Choose a day of the week from the list."),
    ({"fiscal_year_start_month": "13"}, "fiscal_year_start_month", "Choose a month from the list."),
    ({"currency": "Dollars"}, "currency", "“Dollars” is not a currency code: use the three letters of ISO 4217"),
    ({"currency": "ZZZ"}, "currency", "“ZZZ” is not a currency code"),
    ({"currency": " "}, "currency", "Give a currency code, such as USD, EUR or GBP."),
])
def test_bad_input_is_refused_beside_the_field(app, as_admin, changes, field, message):
    r = as_admin.post("/admin/settings", data=settings_form(**{"self_reporting": "y",
                                                               "fiscal_year_start_month": "4", **changes}))
    assert r.status_code == 400
    html = r.get_data(as_text=True)
    assert message in html.split(f'id="{field}-error">', 1)[1].split("</p>", 1)[0]
    # What was typed stays.
    if field != "fiscal_year_start_month":
        assert '<option selected value="4">April</option>' in html
    assert 'checked id="self_reporting"' in html
    if field == "min_group_size":
        assert f'name="min_group_size" required type="number" value="{changes["min_group_size"]}"' in html
    if field == "currency":
        assert f'type="text" value="{changes["currency"]}"' in html
    assert stored(app) == org_settings.OrgSettings() and not AuditLog.select().exists()


def test_week_start_changes_how_periods_are_computed(app, as_admin, sample_kpis):
    week = periods.containing(datetime.date.today(), "weekly", week_start=6)
    assert week.start.weekday() == 6
    as_admin.post("/admin/settings", data=settings_form(week_start="6"))
    # The benchmark form now starts from the current week's Sunday...
    html = as_admin.get(f"/admin/kpis/{sample_kpis.calls.id}/benchmarks").get_data(as_text=True)
    assert f'name="effective_from" required type="date" value="{week.start.isoformat()}"' in html
    # ...and values are entered for Sunday-to-Saturday weeks.
    with app.test_request_context():
        assert periods.parse("2026-11-18", "weekly", org_settings.get().week_start,
                             org_settings.get().fiscal_year_start_month).start == D(2026, 11, 15)


def test_fiscal_year_changes_quarters(app, as_admin, sample_kpis):
    from dualdash.kpis.models import KPI
    KPI.update(cadence="quarterly").where(KPI.id == sample_kpis.revenue.id).execute()
    as_admin.post("/admin/settings", data=settings_form(fiscal_year_start_month="4"))
    # The current quarter of a fiscal year starting in April.
    html = as_admin.get(f"/admin/kpis/{sample_kpis.revenue.id}/benchmarks").get_data(as_text=True)
    quarter = periods.containing(datetime.date.today(), "quarterly", fy_month=4)
    assert f'value="{quarter.start.isoformat()}"' in html
    assert quarter.start.month in (1, 4, 7, 10)
    with app.test_request_context():
        q1 = periods.parse("2026-Q1", "quarterly", 0, org_settings.get().fiscal_year_start_month)
    assert (q1.start, q1.end) == (D(2026, 4, 1), D(2026, 6, 30))


def test_moving_the_periods_of_stored_values_asks_first(app, as_admin, sample_org, sample_kpis):
    Measurement.create(person=sample_org.member, kpi=sample_kpis.calls, period_start=D(2026, 11, 16), value=4)
    html = as_admin.get("/admin/settings").get_data(as_text=True)
    assert "Stored now: 1 weekly value." in html and 'name="confirm_periods"' in html
    r = as_admin.post("/admin/settings", data=settings_form(week_start="6", min_group_size="4"))
    assert r.status_code == 400
    error = r.get_data(as_text=True).split('id="week_start-error">', 1)[1].split("</p>", 1)[0]
    assert "1 weekly value is stored for the current periods" in error and "Tick the box below" in error
    assert stored(app) == org_settings.OrgSettings()
    # Changes that move no stored period need no confirmation (months stay months).
    assert as_admin.post("/admin/settings", data=settings_form(fiscal_year_start_month="4")).status_code == 302
    assert as_admin.post("/admin/settings", data=settings_form(
        fiscal_year_start_month="4", week_start="6", confirm_periods="y")).status_code == 302
    assert stored(app).week_start == 6 and Measurement.select().count() == 1


def test_admins_reading_private_notes_is_a_setting(as_admin, app, sample_org):
    import datetime

    from dualdash.coaching.models import Meeting, PrivateNote
    meeting = Meeting.create(manager=sample_org.manager, report=sample_org.member,
                             scheduled_for=datetime.datetime(2026, 11, 16, 10))
    PrivateNote.create(meeting=meeting, author=sample_org.manager, text="Only-for-the-author")
    assert "Only-for-the-author" not in as_admin.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    form = {"week_start": "0", "fiscal_year_start_month": "1", "min_group_size": "3",
            "admin_sees_private_notes": "y"}
    assert as_admin.post("/admin/settings", data=form).status_code == 302
    assert "Only-for-the-author" in as_admin.get(f"/meetings/{meeting.id}").get_data(as_text=True)


def test_currency_is_saved_as_its_code_and_written_with_its_symbol(app, as_admin, sample_org):
    html = as_admin.get("/admin/settings").get_data(as_text=True)
    assert 'name="currency"' in html and 'value="USD"' in html
    assert "Now: US Dollar ($)." in html and "such as $12,000." in html
    r = as_admin.post("/admin/settings", data=settings_form(currency=" eur "))
    assert r.status_code == 302
    assert stored(app).currency == "EUR"
    [entry] = AuditLog.select().where(AuditLog.object_type == "OrgSettings")
    assert json.loads(entry.before)["currency"] == "USD" and json.loads(entry.after)["currency"] == "EUR"
    r = as_admin.get("/admin/settings")
    assert_valid_html(r)
    html = r.get_data(as_text=True)
    assert 'value="EUR"' in html and "Now: Euro (€)." in html and "such as €12,000." in html
