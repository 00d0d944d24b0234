"""Admin → Audit trail: newest first, the fields each entry changed, filters, pages, downloads,
a fixed number of queries, and admins only."""
import csv
import datetime
import io
import json
import re

import pytest
from html_checks import assert_valid_html

from dualdash.org import audit
from dualdash.org.models import Person, Team
from dualdash.testing import login

URL = "/admin/audit/"


def add(action, obj, before=None, after=None, actor=None, at=None, object_id=None):
    """Write an entry as the app would (``obj`` a row or a type name)."""
    audit.record_many([audit.entry(action, obj, before, after, actor=actor, at=at, object_id=object_id)])


def rows_of(html):
    """The entries' table rows, in order, as plain text."""
    body = html.split('<table class="audit stack">', 1)[1].split("</table>", 1)[0]
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
            for row in body.split("<tr>")[2:]]


@pytest.mark.parametrize("path", [URL, "/admin/audit/export.csv", "/admin/audit/export.json"])
def test_admins_only(app, client, sample_org, path):
    response = client.get(path)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    for person in (sample_org.member, sample_org.manager, sample_org.director):
        assert login(app.test_client(), person).get(path).status_code == 403


def test_empty_state(as_admin):
    response = as_admin.get(URL)
    assert response.status_code == 200
    assert_valid_html(response)
    assert "Nothing has been changed yet" in response.get_data(as_text=True)


def test_entries_show_who_when_what_and_only_the_fields_that_changed(as_admin, sample_org):
    org = sample_org
    sales = org.teams.sales
    before = audit.snapshot(org.member)
    Person.update(name="Mo Moved", team=org.teams.support.id).where(Person.id == org.member.id).execute()
    after = audit.snapshot(Person.get_by_id(org.member.id))
    add("update", org.member, before, after, actor=org.admin.id, at=datetime.datetime(2026, 3, 1, 9, 30))
    gone = Team.create(name="Short-lived")
    add("delete", gone, audit.snapshot(gone), None, actor=org.manager.id, at=datetime.datetime(2026, 3, 2, 8))
    gone.delete_instance()
    add("update", "OrgSettings", {"self_reporting": False, "week_start": 0}, {"self_reporting": True, "week_start": 0},
        at=datetime.datetime(2026, 3, 3, 7))

    response = as_admin.get(URL)
    assert response.status_code == 200
    assert_valid_html(response)
    html = response.get_data(as_text=True)
    settings, deleted, person = rows_of(html)  # newest first; the trail keeps its seconds
    assert settings.startswith("Tue 3 Mar 2026, 07:00:00 Command line Changed: Settings")
    assert "Self reporting : no → yes" in settings and "Week start" not in settings
    assert 'href="/admin/settings"' in html
    assert deleted.startswith("Mon 2 Mar 2026, 08:00:00 Maria Manager Deleted: Team Short-lived")
    assert "no longer exists" in deleted and "Name : Short-lived → —" in deleted
    assert person.startswith("Sun 1 Mar 2026, 09:30:00 Ada Admin Changed: Person Mo Moved")
    # Ids of other rows are shown by name; unchanged fields are left out.
    assert "Name : Mo Member → Mo Moved" in person and f"Team : {sales.name} → Support" in person
    assert "Email" not in person and "Created at" not in person
    assert f'<a href="/admin/people/{org.member.id}/edit">#{org.member.id}</a>' in html
    assert f'href="/admin/audit/?object_type=Person&amp;object_id={org.member.id}"' in html
    assert f'href="/admin/audit/?actor={org.admin.id}"' in html


def test_a_reference_to_a_row_that_is_gone_says_so(as_admin, sample_org):
    gone = Team.create(name="Gone team")
    add("update", sample_org.member, {"team": gone.id}, {"team": sample_org.teams.sales.id})
    gone.delete_instance()
    html = as_admin.get(URL).get_data(as_text=True)
    assert f"#{gone.id} (no longer exists) → Sales" in html


def test_filters_narrow_the_list_and_keep_their_values(as_admin, sample_org):
    org = sample_org
    add("update", org.member, {"name": "A"}, {"name": "B"}, actor=org.admin.id, at=datetime.datetime(2026, 1, 10, 12))
    add("create", org.teams.sales, None, {"name": "Sales"}, actor=org.manager.id, at=datetime.datetime(2026, 1, 20))
    add("delete", org.member2, {"name": "Mia"}, None, actor=org.manager.id, at=datetime.datetime(2026, 2, 5, 23, 59))

    def shown(**args):
        response = as_admin.get(URL, query_string=args)
        assert response.status_code == 200, response.get_data(as_text=True)
        return response.get_data(as_text=True)

    def count(**args):
        html = shown(**args)
        return len(rows_of(html)) if '<table class="audit stack">' in html else 0

    assert count() == 3
    assert count(who="maria") == 2 and count(who="ADMIN@example") == 1
    assert count(actor=org.manager.id) == 2
    assert "Only changes by <strong>Maria Manager</strong>" in shown(actor=org.manager.id)
    assert count(object_type="Team") == 1 and count(action="delete") == 1
    assert count(object_type="Person", object_id=str(org.member.id)) == 1
    assert count(date_from="2026-01-20") == 2 and count(date_to="2026-01-20") == 2
    assert count(date_from="2026-02-05", date_to="2026-02-05") == 1  # a whole day, both ends included
    assert count(date_from="2026-03-01") == 0
    html = shown(date_from="2026-03-01")
    assert "No entry matches these filters." in html
    html = shown(who="maria", object_type="Person", action="delete", object_id=str(org.member2.id),
                 date_from="2026-02-01", date_to="2026-02-28")
    assert 'value="maria"' in html and '<option selected value="Person">' in html
    assert '<option selected value="delete">' in html and 'value="2026-02-01"' in html
    assert 'value="2026-02-28"' in html and f'value="{org.member2.id}"' in html
    # The downloads carry the same filters.
    assert "/admin/audit/export.csv?who=maria&amp;object_type=Person" in html


def test_a_bad_date_is_explained_beside_the_field_and_kept(as_admin, sample_org):
    response = as_admin.get(URL, query_string={"date_from": "2026-13-01", "date_to": "2026-01-01"})
    assert response.status_code == 400
    assert_valid_html(response)
    html = response.get_data(as_text=True)
    assert '<p class="error" id="date_from-error">Enter a date as YYYY-MM-DD' in html
    assert 'value="2026-13-01"' in html and 'aria-invalid="true"' in html
    response = as_admin.get(URL, query_string={"date_from": "2026-02-01", "date_to": "2026-01-01"})
    assert response.status_code == 400
    assert "The end date is before the start date." in response.get_data(as_text=True)


def test_pages_of_fifty(as_admin, sample_org):
    audit.record_many([audit.entry("update", sample_org.member, {"name": f"n{i}"}, {"name": f"n{i + 1}"})
                       for i in range(60)])
    first = as_admin.get(URL).get_data(as_text=True)
    assert len(rows_of(first)) == 50 and "Page 1 of 2 (60 in all)" in first
    assert "n59 → n60" in first and "n0 → n1" not in first
    second = as_admin.get(URL + "?page=2").get_data(as_text=True)
    assert len(rows_of(second)) == 10 and "n0 → n1" in second


def test_a_page_runs_a_fixed_number_of_queries(as_admin, sample_org, sample_kpis, count_queries):
    org = sample_org
    add("update", org.member, {"team": org.teams.sales.id}, {"team": org.teams.support.id})
    few = count_queries(lambda: as_admin.get(URL))
    # Many entries about every kind of object, mentioning people, teams, roles, levels and KPIs.
    for i in range(10):
        add("update", org.member2, {"manager": org.manager.id, "level": org.levels["Ramping"].id},
            {"manager": org.director.id, "level": org.levels["Senior"].id}, actor=org.manager.id)
        add("create", sample_kpis.calls, None, {"name": f"Calls {i}"}, actor=org.admin.id)
        add("update", org.roles.ae, {"name": "AE"}, {"name": "Account Executive"})
        add("create", "Measurement", None, {"person": org.member.id, "kpi": sample_kpis.calls.id, "value": i},
            object_id=1000 + i)
        add("update", "OrgSettings", {"week_start": 0}, {"week_start": i})
    many = count_queries(lambda: as_admin.get(URL))
    assert many == few


def test_csv_download_has_the_filtered_entries(as_admin, sample_org):
    org = sample_org
    add("update", org.member, {"name": "Mo"}, {"name": "=HYPERLINK(1)"}, actor=org.admin.id)
    add("create", org.teams.sales, None, {"name": "Sales"})
    response = as_admin.get("/admin/audit/export.csv?object_type=Person")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == 1
    row = rows[0]
    assert (row["action"], row["object_type"], row["object_id"], row["actor_email"]) == (
        "update", "Person", str(org.member.id), "admin@example.com")
    assert json.loads(row["before"]) == {"name": "Mo"} and json.loads(row["after"]) == {"name": "=HYPERLINK(1)"}


def test_json_download_streams_every_matching_entry(as_admin, sample_org):
    audit.record_many([audit.entry("update", sample_org.member, {"n": i}, {"n": i + 1}) for i in range(2500)])
    add("create", sample_org.teams.sales, None, {"name": "Sales"})
    response = as_admin.get("/admin/audit/export.json?object_type=Person")
    assert response.status_code == 200 and response.is_streamed
    document = json.loads(response.get_data(as_text=True))
    assert document["filters"] == {"object_type": "Person"}
    entries = document["entries"]
    assert len(entries) == 2500
    assert [e["before"]["n"] for e in entries[:3]] == [2499, 2498, 2497]  # newest first
    assert entries[-1]["after"] == {"n": 1} and entries[-1]["object_id"] == str(sample_org.member.id)
    assert len({e["id"] for e in entries}) == 2500
    everything = json.loads(as_admin.get("/admin/audit/export.json").get_data(as_text=True))
    assert len(everything["entries"]) == 2501


def test_the_admin_navigation_links_to_the_trail(as_admin):
    html = as_admin.get("/admin/people/").get_data(as_text=True)
    assert f'<a href="{URL}">Audit trail</a>' in html


def test_every_recorded_action_and_object_has_a_label():
    """A new kind of audit entry must be named on the page (and offered by its filters)."""
    import pathlib

    from dualdash.web.audit_trail import ACTIONS, OBJECT_TYPES
    source = pathlib.Path(audit.__file__).parents[1]
    actions, types = set(), set()
    for path in source.rglob("*.py"):
        text = path.read_text()
        actions |= set(re.findall(r'\brecord\(\s*"([\w.]+)"', text))
        actions |= set(re.findall(r'\bentry\(\s*"([\w.]+)"', text))
        actions |= set(re.findall(r'AUDIT_ACTION = "([\w.]+)"', text))
        types |= set(re.findall(r'\b(?:record|entry)\(\s*[\w".]+,\s*"(\w+)"', text))
    assert actions and actions <= set(ACTIONS), actions - set(ACTIONS)
    assert types and types <= set(OBJECT_TYPES), types - set(OBJECT_TYPES)
