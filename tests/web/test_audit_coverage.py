"""Every kind of change leaves an audit entry with the right values before and after, and nothing
secret (password or token hashes, tokens, private note text) ever reaches the trail."""
import datetime
import json

import pytest
from page_forms import press

from dualdash.coaching import meetings as core
from dualdash.coaching.models import ActionItem, AgendaItem, Meeting, RoleSkill
from dualdash.kpis.models import Benchmark, Measurement, ScorecardKPI
from dualdash.org.audit import AuditLog
from dualdash.org.models import Person
from dualdash.testing import PASSWORD
from dualdash.web.models import ApiToken

TOMORROW = datetime.datetime.combine(datetime.date.today() + datetime.timedelta(days=1), datetime.time(10))
W47 = datetime.date(2026, 11, 16)
GRID = "/measurements/grid?period=2026-W47"
NEW_PASSWORD = "a-much-longer-new-password-1"


def entries(object_type, action=None, object_id=None):
    """Entries about ``object_type`` (oldest first) as (entry, before dict, after dict)."""
    query = AuditLog.select().where(AuditLog.object_type == object_type)
    if action:
        query = query.where(AuditLog.action == action)
    if object_id is not None:
        query = query.where(AuditLog.object_id == str(object_id))
    return [(e, json.loads(e.before) if e.before else None, json.loads(e.after) if e.after else None)
            for e in query.order_by(AuditLog.id)]


def whole_trail():
    return " ".join(f"{e.before} {e.after}" for e in AuditLog.select())


def changed(before, after):
    """The fields whose values differ: {field: (before, after)}."""
    keys = set(before or {}) | set(after or {})
    return {k: ((before or {}).get(k), (after or {}).get(k)) for k in keys
            if (before or {}).get(k) != (after or {}).get(k)}


# --- people, teams, roles and levels -------------------------------------------------------------

def person_form(person, **changes):
    data = {"email": person.email, "name": person.name, "team": person.team_id or "", "role": person.role_id or "",
            "level": person.level_id or "", "manager": person.manager.email if person.manager_id else "",
            "active": "y" if person.active else ""}
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


def test_person_edit_records_before_and_after_and_never_the_password(as_admin, sample_org):
    member = sample_org.member
    r = as_admin.post(f"/admin/people/{member.id}/edit",
                      data=person_form(member, name="Mo Moved", team=sample_org.teams.support.id,
                                       password=NEW_PASSWORD))
    assert r.status_code == 302, r.get_data(as_text=True)
    [(entry, before, after)] = entries("Person", "update", member.id)
    assert entry.actor_id == sample_org.admin.id
    assert changed(before, after) == {"name": ("Mo Member", "Mo Moved"),
                                      "team": (sample_org.teams.sales.id, sample_org.teams.support.id),
                                      "password": (None, "changed")}
    hash_now = Person.get_by_id(member.id).password_hash
    assert NEW_PASSWORD not in whole_trail() and hash_now not in whole_trail()
    assert "password_hash" not in whole_trail()


def test_deactivating_a_person_is_recorded(as_admin, sample_org):
    as_admin.post(f"/admin/people/{sample_org.peer_report.id}/deactivate")
    [(_, before, after)] = entries("Person", "deactivate", sample_org.peer_report.id)
    assert changed(before, after) == {"active": (True, False)}


def test_people_import_records_each_change(runner, sample_org, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("email,name\nmember@example.com,Mo Imported\nnew@example.com,Nia New\n")
    assert runner.invoke(args=["import", "people", str(path)]).exit_code == 0
    [(entry, before, after)] = entries("Person", "update", sample_org.member.id)
    assert entry.actor_id is None  # the command line
    assert changed(before, after) == {"name": ("Mo Member", "Mo Imported")}
    nia = Person.get(Person.email == "new@example.com")
    [(_, before, after)] = entries("Person", "create", nia.id)
    assert before is None and after["name"] == "Nia New"


def test_team_rename_is_recorded(as_admin, sample_org):
    sales = sample_org.teams.sales
    r = as_admin.post(f"/admin/teams/{sales.id}/edit", data={"name": "Field Sales",
                                                             "parent": sample_org.teams.company.id})
    assert r.status_code == 302
    [(_, before, after)] = entries("Team", "update", sales.id)
    assert changed(before, after) == {"name": ("Sales", "Field Sales")}


def test_level_rename_is_recorded(as_admin, sample_org):
    ae, ramping = sample_org.roles.ae, sample_org.levels["Ramping"]
    r = as_admin.post(f"/admin/roles/{ae.id}/levels/{ramping.id}/rename",
                      data={f"level-{ramping.id}-name": "Onboarding"})
    assert r.status_code == 302
    [(_, before, after)] = entries("Level", "update", ramping.id)
    assert changed(before, after) == {"name": ("Ramping", "Onboarding")}


# --- KPIs, benchmarks, scorecards ------------------------------------------------------------------

def test_kpi_edit_is_recorded(as_admin, sample_kpis):
    calls = sample_kpis.calls
    data = {"key": "calls", "name": "Calls placed", "description": "", "unit": "count", "direction": "higher",
            "cadence": "weekly", "rollup": "sum", "category": "operational", "band_rule": "thresholds",
            "decimals": "0", "active": "y"}
    assert as_admin.post(f"/admin/kpis/{calls.id}/edit", data=data).status_code == 302
    [(_, before, after)] = entries("KPI", "update", calls.id)
    assert changed(before, after) == {"name": ("Calls made", "Calls placed")}


def test_deleting_future_benchmark_lines_records_their_values(as_admin, sample_kpis):
    far = datetime.date.today() + datetime.timedelta(days=400)
    line = Benchmark.create(kpi=sample_kpis.revenue, meets=1200, exceeds=1800, effective_from=far)
    r = as_admin.post(f"/admin/kpis/{sample_kpis.revenue.id}/benchmarks/{far.isoformat()}/delete")
    assert r.status_code == 302
    [(_, before, after)] = entries("Benchmark", "delete", line.id)
    assert after is None and (before["meets"], before["exceeds"], before["effective_from"]) == (
        1200, 1800, far.isoformat())


def test_scorecard_changes_are_recorded(as_admin, sample_org, sample_kpis):
    ae = sample_org.roles.ae
    assert as_admin.post(f"/admin/scorecards/role/{ae.id}/add",
                         data={"kpi": sample_kpis.response.id}).status_code == 302
    item = ScorecardKPI.get(ScorecardKPI.kpi == sample_kpis.response.id,
                            ScorecardKPI.scorecard == sample_kpis.scorecards.ae.id)
    [(_, before, after)] = entries("ScorecardKPI", "create", item.id)
    assert before is None and (after["kpi"], after["position"]) == (sample_kpis.response.id, 3)
    as_admin.post(f"/admin/scorecards/role/{ae.id}/items/{item.id}/move/up")
    [(_, before, after)] = entries("ScorecardKPI", "update", item.id)
    assert changed(before, after) == {"position": (3, 2)}


# --- measurements --------------------------------------------------------------------------------

def test_grid_records_each_changed_value_with_before_and_after(as_manager, sample_org, sample_kpis):
    org, k = sample_org, sample_kpis
    kept = Measurement.create(person=org.member, kpi=k.calls, period_start=W47, value=7, note="Short week")
    gone = Measurement.create(person=org.member2, kpi=k.calls, period_start=W47, value=9)
    same = Measurement.create(person=org.member2, kpi=k.revenue, period_start=W47, value=1000)
    r = as_manager.post(GRID, data={f"v-{org.member.id}-{k.calls.id}": "12", f"n-{org.member.id}-{k.calls.id}": "",
                                    f"v-{org.member2.id}-{k.calls.id}": "",
                                    f"v-{org.member2.id}-{k.revenue.id}": "1000",
                                    f"v-{org.member.id}-{k.revenue.id}": "1500.5"})
    assert r.status_code == 302, r.get_data(as_text=True)
    [(update, before, after)] = entries("Measurement", "update")
    assert update.object_id == str(kept.id) and update.actor_id == org.manager.id
    assert changed(before, after) == {"value": (7, 12), "note": ("Short week", None)}
    assert (after["person"], after["kpi"], after["period_start"]) == (org.member.id, k.calls.id, "2026-11-16")
    [(delete, before, after)] = entries("Measurement", "delete")
    assert delete.object_id == str(gone.id) and before["value"] == 9 and after is None
    [(create, before, after)] = entries("Measurement", "create")
    new = Measurement.get(Measurement.person == org.member.id, Measurement.kpi == k.revenue.id)
    assert create.object_id == str(new.id) and before is None and after["value"] == 1500.5
    assert not entries("Measurement", object_id=same.id)  # unchanged: nothing recorded
    [(_, _, after)] = entries("Measurement", "measurements.grid")
    assert (after["created"], after["updated"], after["removed"]) == (1, 1, 1)


def test_api_records_each_changed_value(client, sample_org, sample_kpis):
    from dualdash.web.tokens import issue_token
    _, token = issue_token(sample_org.manager, "script")
    headers = {"Authorization": f"Bearer {token}"}
    Measurement.create(person=sample_org.member, kpi=sample_kpis.calls, period_start=W47, value=3)
    body = {"measurements": [{"person": "member@example.com", "kpi": "calls", "period": "2026-W47", "value": 5},
                             {"person": "member2@example.com", "kpi": "calls", "period": "2026-W47", "value": 8}]}
    r = client.post("/api/v1/measurements", json=body, headers=headers)
    assert r.status_code == 200, r.json
    [(update, before, after)] = entries("Measurement", "update")
    assert changed(before, after) == {"value": (3, 5)} and update.actor_id == sample_org.manager.id
    [(_, before, after)] = entries("Measurement", "create")
    assert before is None and after["value"] == 8 and after["person"] == sample_org.member2.id
    assert token not in whole_trail()


def test_a_csv_import_is_one_summary_entry(runner, sample_org, sample_kpis, tmp_path):
    path = tmp_path / "values.csv"
    path.write_text("person,kpi,period,value\nmember@example.com,calls,2026-W47,4\n"
                    "member2@example.com,calls,2026-W47,6\n")
    result = runner.invoke(args=["import", "measurements", str(path)])
    assert result.exit_code == 0, result.output
    assert [e.action for e in AuditLog.select().where(AuditLog.object_type == "Measurement")] == [
        "measurements.import"]
    [(entry, before, after)] = entries("Measurement")
    assert entry.object_id is None and before is None and after["created"] == 2


# --- ratings and assessments ------------------------------------------------------------------------

def test_driver_ratings_are_recorded_one_by_one(as_manager, sample_org):
    r = as_manager.post(f"/people/{sample_org.member.id}/drivers",
                        data={"score_communication": "4", "comment_communication": "Clear updates"})
    assert r.status_code == 302
    [(entry, before, after)] = entries("DriverRating", "create")
    assert before is None and entry.actor_id == sample_org.manager.id
    assert (after["driver_key"], after["score"], after["comment"], after["person"]) == (
        "communication", 4, "Clear updates", sample_org.member.id)


def test_skill_assessments_are_recorded(as_manager, sample_org):
    skill = RoleSkill.create(role=sample_org.roles.ae, key="discovery", name="Discovery calls", position=1)
    r = as_manager.post(f"/people/{sample_org.member.id}/skills", data={f"p_{skill.id}": "3", f"n_{skill.id}": ""})
    assert r.status_code == 302
    [(_, before, after)] = entries("SkillAssessment", "create")
    assert before is None and (after["skill"], after["proficiency"], after["person"]) == (
        skill.id, 3, sample_org.member.id)


# --- meetings -------------------------------------------------------------------------------------

@pytest.fixture
def meeting(app, sample_org):
    return Meeting.create(manager=sample_org.manager, report=sample_org.member, scheduled_for=TOMORROW,
                          prepared_at=datetime.datetime(2026, 1, 1))


def test_meeting_notes_and_check_in_are_recorded(as_manager, meeting):
    assert press(as_manager, as_manager.get(f"/meetings/{meeting.id}"), "Save shared notes", typed={
        ("Shared notes", "shared-notes"): "We talked about the pipeline."}).status_code == 302
    assert press(as_manager, as_manager.get(f"/meetings/{meeting.id}"), "Save check-in", typed={
        ("How is it going?", "check-in"): "4", ("In a word", "check-in"): "busy"}).status_code == 302
    (_, b1, a1), (_, b2, a2) = entries("Meeting", "update", meeting.id)
    assert changed(b1, a1) == {"shared_notes": ("", "We talked about the pipeline."), "version": (1, 2)}
    assert changed(b2, a2) == {"check_in_score": (None, 4), "check_in_word": (None, "busy"), "version": (2, 3)}


def test_private_note_is_recorded_without_its_text(as_manager, meeting):
    secret = "Thinking about a performance plan"
    r = as_manager.post(f"/meetings/{meeting.id}/save", data={
        "meeting-version": "1", "meeting-private_based_on": "", "meeting-private_note": secret})
    assert r.status_code == 302
    [(_, before, after)] = entries("PrivateNote", "create")
    assert before is None and after["meeting"] == meeting.id and after["text"] == core.PRIVATE_TEXT
    assert secret not in whole_trail()


def test_agenda_changes_are_recorded(as_manager, as_member, meeting):
    as_manager.post(f"/meetings/{meeting.id}/items", data={"add-title": "Pipeline review"})
    as_member.post(f"/meetings/{meeting.id}/items", data={"add-title": "Holiday plans"})
    first, second = AgendaItem.select().order_by(AgendaItem.id)
    assert [after["title"] for _, _, after in entries("AgendaItem", "create")] == ["Pipeline review",
                                                                                  "Holiday plans"]
    as_manager.post(f"/meetings/{meeting.id}/items/{second.id}/up")
    [(_, before, after)] = entries("AgendaItem", "move", second.id)
    assert (before, after) == ({"position": 2}, {"position": 1})
    press(as_manager, as_manager.get(f"/meetings/{meeting.id}"), "Save item", place=f"item-{first.id}", typed={
        ("Notes", f"item-{first.id}"): "Two deals slipped", ("Done", f"item-{first.id}"): True})
    [(_, before, after)] = entries("AgendaItem", "update", first.id)
    assert changed(before, after) == {"notes": ("", "Two deals slipped"), "done": (False, True)}
    as_manager.post(f"/meetings/{meeting.id}/items/{second.id}/remove")
    [(_, before, after)] = entries("AgendaItem", "delete", second.id)
    assert before["title"] == "Holiday plans" and after is None


def test_action_items_held_and_cancel_are_recorded(as_manager, sample_org, meeting):
    r = as_manager.post(f"/meetings/{meeting.id}/action-items", data={
        "action-owner": sample_org.member.id, "action-description": "Send the proposal",
        "action-due_date": "2030-01-15"})
    assert r.status_code == 302
    item = ActionItem.get()
    [(_, before, after)] = entries("ActionItem", "create", item.id)
    assert before is None and (after["description"], after["due_date"], after["status"]) == (
        "Send the proposal", "2030-01-15", "open")
    as_manager.post(f"/meetings/{meeting.id}/action-items/{item.id}/done")
    [(_, before, after)] = entries("ActionItem", "update", item.id)
    assert changed(before, after).keys() == {"status", "completed_at"} and after["status"] == "done"
    assert as_manager.post(f"/meetings/{meeting.id}/held").status_code == 302
    [(_, before, after)] = entries("Meeting", "held", meeting.id)
    assert changed(before, after)["status"] == ("planned", "held")
    other = Meeting.create(manager=sample_org.manager, report=sample_org.member2, scheduled_for=TOMORROW)
    as_manager.post(f"/meetings/{other.id}/cancel")
    [(_, before, after)] = entries("Meeting", "cancel", other.id)
    assert changed(before, after)["status"] == ("planned", "cancelled")


def test_preparing_the_agenda_is_recorded(as_manager, sample_org, sample_kpis):
    meeting = Meeting.create(manager=sample_org.manager, report=sample_org.member, scheduled_for=TOMORROW)
    as_manager.post(f"/meetings/{meeting.id}/prepare")
    [(_, before, after)] = entries("Meeting", "prepare", meeting.id)
    assert before == {"prepared_at": None} and after["prepared_at"] and after["agenda_added"]


# --- tokens, settings, accounts ----------------------------------------------------------------------

def test_tokens_are_recorded_without_the_token_or_its_hash(as_member, sample_org):
    r = as_member.post("/profile/tokens", data={"token-name": "Laptop script"})
    assert r.status_code == 201
    row = ApiToken.get()
    [(_, before, after)] = entries("ApiToken", "create", row.id)
    assert before is None and after["name"] == "Laptop script" and after["person"] == sample_org.member.id
    as_member.post(f"/profile/tokens/{row.id}/revoke")
    [(_, before, after)] = entries("ApiToken", "revoke", row.id)
    assert before["revoked_at"] is None and after["revoked_at"]
    assert row.token_hash not in whole_trail() and "token_hash" not in whole_trail()
    assert "dd_" not in whole_trail()


def test_settings_changes_are_recorded(as_admin):
    data = {"week_start": "0", "fiscal_year_start_month": "1", "self_reporting": "y", "min_group_size": "3",
            "currency": "USD"}
    assert as_admin.post("/admin/settings", data=data).status_code == 302
    [(_, before, after)] = entries("OrgSettings", "update")
    assert changed(before, after) == {"self_reporting": (False, True)}


def test_own_password_change_is_recorded_without_the_password(as_member, sample_org):
    r = as_member.post("/profile/", data={"current": PASSWORD, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert r.status_code == 302
    [(entry, before, after)] = entries("Person", "password", sample_org.member.id)
    assert entry.actor_id == sample_org.member.id and before is None and after == {"password": "changed"}
    assert NEW_PASSWORD not in whole_trail()
    assert Person.get_by_id(sample_org.member.id).password_hash not in whole_trail()


def test_create_user_is_recorded_without_the_password(runner, sample_org):
    result = runner.invoke(args=["create-user", "newbie@example.com", "--password", NEW_PASSWORD])
    assert result.exit_code == 0, result.output
    newbie = Person.get(Person.email == "newbie@example.com")
    [(entry, before, after)] = entries("Person", "create", newbie.id)
    assert entry.actor_id is None and after["password"] == "set" and after["email"] == "newbie@example.com"
    result = runner.invoke(args=["create-user", "member@example.com", "--password", NEW_PASSWORD, "--admin"])
    assert result.exit_code == 0, result.output
    [(_, before, after)] = entries("Person", "password", sample_org.member.id)
    assert changed(before, after) == {"is_admin": (False, True), "password": (None, "changed")}
    assert NEW_PASSWORD not in whole_trail() and "password_hash" not in whole_trail()
