"""Each person's team, job role and level over time: the admin page asks "from which date?" and lists
the history, the people import takes an ``effective_from`` column, migration 0007 seeds the table."""
import datetime
import io

import pytest
from html_checks import assert_valid_html

from dualdash.db import get_db, upgrade
from dualdash.org import assignments
from dualdash.org.models import Person, PersonAssignment
from dualdash.org.people_import import PeopleImportError, import_people
from dualdash.testing import make_app

#: How a date outside the accepted window is refused, after the date itself.
WINDOW = "outside the dates Dual Dash accepts: use a date from 1900-01-01 to 2100-12-31"

D = datetime.date


def edit_data(org, person, **changes):
    data = {"email": person.email, "name": person.name, "team": person.team_id or "",
            "role": person.role_id or "", "level": person.level_id or "",
            "manager": person.manager.email if person.manager_id else "", "start_date": "",
            "active": "y", "password": ""}
    data.update(changes)
    return data


def history(person_id):
    return [(h.effective_from, h.team, h.role, h.level)
            for h in assignments.history_of(Person.get_by_id(person_id))]


def test_the_edit_page_asks_from_which_date_and_lists_the_history(app, sample_org, as_admin):
    o = sample_org
    page = as_admin.get(f"/admin/people/{o.member.id}/edit").get_data(as_text=True)
    assert "From which date?" in page and f'value="{datetime.date.today().isoformat()}"' in page
    assert "No changes recorded yet" in page
    response = as_admin.post(f"/admin/people/{o.member.id}/edit", data=edit_data(
        o, o.member, level=o.levels["Established"].id, effective_from="2026-11-16"))
    assert response.status_code == 302
    assert history(o.member.id) == [
        (assignments.EARLIEST, "Sales", "Account Executive", "Ramping"),
        (D(2026, 11, 16), "Sales", "Account Executive", "Established")]
    assert Person.get_by_id(o.member.id).level_id == o.levels["Established"].id
    response = as_admin.get(f"/admin/people/{o.member.id}/edit")
    assert_valid_html(response)
    page = response.get_data(as_text=True)
    listed = page.split('id="history"', 1)[1].split("</table>", 1)[0]
    assert listed.index("16 Nov 2026") < listed.index("1 Jan 1900") and "Established" in listed
    # Same values again: nothing new in the history; a change on the same date replaces that row.
    member = Person.get_by_id(o.member.id)
    assert as_admin.post(f"/admin/people/{o.member.id}/edit", data=edit_data(
        o, member, effective_from="2026-12-01")).status_code == 302
    assert len(history(o.member.id)) == 2
    assert as_admin.post(f"/admin/people/{o.member.id}/edit", data=edit_data(
        o, member, level=o.levels["Senior"].id, effective_from="2026-11-16")).status_code == 302
    assert history(o.member.id)[-1] == (D(2026, 11, 16), "Sales", "Account Executive", "Senior")


@pytest.mark.parametrize("given, message", [
    ("1899-12-31", "outside the dates Dual Dash accepts: use a date from 1900-01-01 to 2100-12-31."),
    ("2101-01-01", "outside the dates Dual Dash accepts: use a date from 1900-01-01 to 2100-12-31."),
    ("0001-01-01", "outside the dates Dual Dash accepts: use a date from 1900-01-01 to 2100-12-31."),
    ("16/11/2026", "Not a valid date value."),
    ("", "Enter the date the change takes effect from"),
])
def test_a_bad_date_is_refused_beside_the_field(app, sample_org, as_admin, given, message):
    o = sample_org
    response = as_admin.post(f"/admin/people/{o.member.id}/edit", data=edit_data(
        o, o.member, level=o.levels["Senior"].id, effective_from=given, name="Mo Typed"))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    field = page.split('id="effective_from"', 1)[0].rsplit("<div", 1)[1] + page.split('id="effective_from"', 1)[1]
    assert message in page and message in field.split("</div>", 2)[0] + field
    assert "Mo Typed" in page  # nothing typed is lost
    assert Person.get_by_id(o.member.id).level_id == o.levels["Ramping"].id
    assert not history(o.member.id)


def test_a_change_from_before_the_start_date_is_the_present(app, sample_org, as_admin):
    o = sample_org
    Person.update(start_date=D(2024, 2, 5)).where(Person.id == o.member.id).execute()
    member = Person.get_by_id(o.member.id)
    assert as_admin.post(f"/admin/people/{o.member.id}/edit", data=edit_data(
        o, member, start_date="2024-02-05", level=o.levels["Senior"].id, effective_from="2020-01-01")
    ).status_code == 302
    assert history(o.member.id) == [(D(2020, 1, 1), "Sales", "Account Executive", "Senior")]
    assert Person.get_by_id(o.member.id).level_id == o.levels["Senior"].id


def test_a_start_date_out_of_range_is_refused(app, sample_org, as_admin):
    o = sample_org
    response = as_admin.post(f"/admin/people/{o.member.id}/edit", data=edit_data(o, o.member,
                                                                               start_date="1850-01-01"))
    assert response.status_code == 400
    assert WINDOW + "." in response.get_data(as_text=True)


def test_a_new_person_starts_their_history(app, sample_org, as_admin):
    o = sample_org
    data = edit_data(o, o.member, email="new@example.com", name="Nia New", start_date="2025-03-03")
    assert as_admin.post("/admin/people/new", data=data).status_code == 302
    nia = Person.get(Person.email == "new@example.com")
    assert history(nia.id) == [(D(2025, 3, 3), "Sales", "Account Executive", "Ramping")]


def csv_file(text):
    return io.BytesIO(text.encode())


def test_the_people_import_takes_an_effective_from_column(app, sample_org):
    o = sample_org
    result = import_people(csv_file(
        "email,name,role,level,effective_from\n"
        "member@example.com,Mo Member,Account Executive,Established,2026-11-16\n"
        "member2@example.com,Mia Member,Account Executive,Established,2026-11-16\n"
        "kim@example.com,Kim New,Account Executive,Senior,2024-01-01\n"))
    assert (result.created, result.updated, result.unchanged) == (1, 1, 1)
    assert history(o.member.id) == [(assignments.EARLIEST, "Sales", "Account Executive", "Ramping"),
                                    (D(2026, 11, 16), "Sales", "Account Executive", "Established")]
    assert history(o.member2.id) == []  # unchanged: no history written
    kim = Person.get(Person.email == "kim@example.com")
    assert history(kim.id) == [(D(2024, 1, 1), None, "Account Executive", "Senior")]
    # Without the column, a change counts from today.
    import_people(csv_file("email,name,level\nmember@example.com,Mo Member,Senior\n"))
    assert history(o.member.id)[-1] == (datetime.date.today(), "Sales", "Account Executive", "Senior")
    assert Person.get_by_id(o.member.id).level_id == o.levels["Senior"].id


def test_the_people_import_refuses_bad_effective_dates(app, sample_org):
    with pytest.raises(PeopleImportError) as raised:
        import_people(csv_file("email,name,level,effective_from,start_date\n"
                               "member@example.com,Mo,Senior,1899-12-31,\n"
                               "member2@example.com,Mia,Senior,tomorrow,\n"
                               "indirect@example.com,Ian,Senior,,2101-01-01\n"))
    problems = [(e.line, e.column, e.message) for e in raised.value.errors]
    assert problems == [
        (2, "effective_from", "“1899-12-31” is " + WINDOW + "."),
        (3, "effective_from", "“tomorrow” is not a date in the form YYYY-MM-DD."),
        (4, "start_date", "“2101-01-01” is " + WINDOW + "."),
    ]
    assert not PersonAssignment.select().exists()


def test_the_upload_page_reports_a_bad_effective_date(app, sample_org, as_admin):
    response = as_admin.post("/admin/people/import", data={"file": (csv_file(
        "email,name,level,effective_from\nmember@example.com,Mo,Senior,2200-01-01\n"), "people.csv")},
        content_type="multipart/form-data")
    assert response.status_code == 400
    assert "“2200-01-01” is " + WINDOW in response.get_data(as_text=True)


def test_migration_0007_seeds_one_assignment_per_person(tmp_path, empty_database_url):
    app = make_app(tmp_path, empty_database_url)
    db = get_db(app)
    upgrade(db, target="0006_measurement_indexes")
    p = db.param
    with db.connection_context():
        db.execute_sql(f"INSERT INTO team (name, created_at) VALUES ({p}, {p})", ("Sales", "2026-01-01 00:00:00"))
        db.execute_sql(f"INSERT INTO job_role (name, description, created_at) VALUES ({p}, '', {p})",
                       ("Account Executive", "2026-01-01 00:00:00"))
        for email, start in (("kim@example.com", "2024-02-05"), ("lee@example.com", None)):
            db.execute_sql(
                "INSERT INTO person (email, name, team_id, role_id, start_date, active, is_admin, created_at) "
                f"VALUES ({p}, {p}, (SELECT id FROM team), (SELECT id FROM job_role), {p}, {p}, {p}, {p})",
                (email, email.split("@")[0], start, True, False, "2026-01-01 00:00:00"))
    upgrade(db)
    with db.connection_context():
        rows = {Person.get_by_id(a.person_id).email: (a.effective_from, a.team.name, a.role.name, a.level_id)
                for a in PersonAssignment.select()}
    assert rows == {"kim@example.com": (D(2024, 2, 5), "Sales", "Account Executive", None),
                    "lee@example.com": (D(1900, 1, 1), "Sales", "Account Executive", None)}
