"""The people CSV import, through ``dualdash import people`` and the upload page."""
import io
from pathlib import Path

import pytest
from playhouse.shortcuts import model_to_dict

from dualdash.org.audit import AuditLog
from dualdash.org.models import Person
from dualdash.org.people_import import EXAMPLE_CSV

HEADER = "email,name,team,role,level,manager,start_date,active\n"


def all_people():
    """Every stored person as plain values, by email: to prove that nothing changed."""
    return {p.email: model_to_dict(p, recurse=False) for p in Person.select()}


@pytest.fixture
def run_import(runner, tmp_path):
    """``run_import(text or bytes)``: run ``dualdash import people`` on a file with that content."""
    def run(content, name="people.csv"):
        path = tmp_path / name
        if isinstance(content, str):
            content = content.encode("utf-8")
        path.write_bytes(content)
        return runner.invoke(args=["import", "people", str(path)])
    return run


def upload(client, content, filename="people.csv"):
    if isinstance(content, str):
        content = content.encode("utf-8")
    return client.post("/admin/people/import", data={"file": (io.BytesIO(content), filename)},
                       content_type="multipart/form-data")


GOOD = HEADER + (
    # An existing person, updated: new name, team, role, level and manager (defined later in the file).
    "MEMBER@example.com,Mo Moved,Support,Support Agent,Junior,lee@example.com,2022-01-10,\n"
    # New people; Kim's manager is a stored person, Lee's is Kim (earlier in the file).
    "kim@example.com,Kim Kept,Sales,account executive,SENIOR,director@example.com,2020-05-01,yes\n"
    "lee@example.com,Lee Later,Support,Support Agent,Senior,kim@example.com,,\n"
)


# --- the command line ------------------------------------------------------------------------

def test_cli_creates_and_updates(run_import, sample_org):
    count = Person.select().count()
    result = run_import(GOOD)
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Created 2, updated 1 people."
    assert Person.select().count() == count + 2
    kim = Person.get(Person.email == "kim@example.com")
    lee = Person.get(Person.email == "lee@example.com")
    member = Person.get_by_id(sample_org.member.id)
    assert (kim.name, kim.team_id, kim.role_id, kim.level_id, kim.manager_id, kim.active) == (
        "Kim Kept", sample_org.teams.sales.id, sample_org.roles.ae.id, sample_org.levels["Senior"].id,
        sample_org.director.id, True)
    assert kim.start_date.isoformat() == "2020-05-01"
    assert kim.password_hash is None and not kim.is_admin
    assert lee.manager_id == kim.id and lee.start_date is None and lee.active
    assert lee.level.name == "Senior" and lee.level.role_id == sample_org.roles.agent.id
    assert (member.email, member.name, member.team_id, member.role_id, member.manager_id) == (
        "member@example.com", "Mo Moved", sample_org.teams.support.id, sample_org.roles.agent.id, lee.id)
    assert member.level.name == "Junior" and member.start_date.isoformat() == "2022-01-10"
    assert member.password_hash == sample_org.member.password_hash  # the file never touches sign-ins
    actions = [(a.action, a.object_id, a.actor_id) for a in AuditLog.select().order_by(AuditLog.id)]
    assert ("update", str(member.id), None) in actions
    assert ("create", str(kim.id), None) in actions and ("create", str(lee.id), None) in actions


def test_reimporting_the_same_file_changes_nothing(run_import, sample_org):
    assert run_import(GOOD).exit_code == 0
    before, audit_count = all_people(), AuditLog.select().count()
    result = run_import(GOOD)
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Created 0, updated 0 people."
    assert all_people() == before
    assert AuditLog.select().count() == audit_count


BAD = HEADER + (
    "member@example.com,Mo Changed,,,,,,\n"                               # 2: fine, must not be written
    "not-an-email,Nobody,,,,,,\n"                                         # 3
    ",No Email,,,,,,\n"                                                   # 4
    "a@example.com,,Nowhere,,,,,\n"                                       # 5: no name, unknown team
    "b@example.com,Bee,,Astronaut,,,,\n"                                  # 6: unknown role
    "c@example.com,Cee,,Account Executive,Junior,,,\n"                    # 7: level of another role
    "d@example.com,Dee,,,Senior,,,\n"                                     # 8: level without role
    "e@example.com,Eee,,Support Agent,Wizard,,,\n"                        # 9: no such level
    "f@example.com,Eff,,,,ghost@example.com,,\n"                          # 10: unknown manager
    "g@example.com,Gee,,,,g@example.com,,\n"                              # 11: own manager
    "h@example.com,Aitch,,,,,31/12/2020,\n"                               # 12: bad date
    "i@example.com,Eye,,,,,,maybe\n"                                      # 13: bad active
    "B@example.com,Bee Again,,,,,,\n"                                     # 14: duplicate of line 6
)


def test_cli_bad_file_reports_every_line_and_writes_nothing(run_import, sample_org):
    before, count, audit_count = all_people(), Person.select().count(), AuditLog.select().count()
    result = run_import(BAD)
    assert result.exit_code != 0
    out = result.output
    for expected in (
        "line 3, column email: “not-an-email” is not a valid email address",
        "line 4, column email: missing",
        "line 5, column name: missing",
        "line 5, column team: no team is named “Nowhere”.",
        "line 6, column role: no job role is named “Astronaut”.",
        "line 7, column level: “Junior” is not a level of the job role Account Executive.",
        "line 8, column level: “Senior” is given without a job role",
        "line 9, column level: no level is named “Wizard”.",
        "line 10, column manager: no person with email ghost@example.com",
        "line 11, column manager: a person cannot be their own manager",
        "line 12, column start_date: “31/12/2020” is not a date in the form YYYY-MM-DD.",
        "line 13, column active: “maybe” is not yes or no",
        "line 14, column email: b@example.com is also on line 6.",
        "Nothing was imported: 13 problems in people.csv.",
    ):
        assert expected in out, expected
    assert "line 2" not in out
    assert Person.select().count() == count
    assert all_people() == before
    assert AuditLog.select().count() == audit_count


def test_cli_refuses_a_cycle_between_the_file_and_the_database(run_import, sample_org):
    # Stored: director manages manager, who manages member. The file makes director report to member.
    before = all_people()
    result = run_import("email,name,manager\n"
                        "new@example.com,New Person,director@example.com\n"
                        "director@example.com,Dana Director,member@example.com\n")
    assert result.exit_code != 0
    assert "line 3, column manager: this makes a manager cycle" in result.output
    assert ("director@example.com → member@example.com → manager@example.com → director@example.com"
            in result.output)
    assert "line 2" not in result.output
    assert all_people() == before


def test_cli_refuses_a_cycle_within_the_file(run_import, sample_org):
    before = all_people()
    result = run_import("email,name,manager\n"
                        "x@example.com,Ex,y@example.com\n"
                        "y@example.com,Why,z@example.com\n"
                        "z@example.com,Zed,x@example.com\n"
                        "w@example.com,Double-U,x@example.com\n")
    assert result.exit_code != 0
    for line in (2, 3, 4):
        assert f"line {line}, column manager: this makes a manager cycle" in result.output
        assert "(lines 2, 3, 4)" in result.output
    assert "line 5" not in result.output
    assert all_people() == before


def test_a_file_may_break_an_old_reporting_line(run_import, sample_org):
    # member2 manages indirect; the file turns that round in one go, which is no cycle.
    result = run_import("email,name,manager\n"
                        "member2@example.com,Mia Member,indirect@example.com\n"
                        "indirect@example.com,Ian Indirect,manager@example.com\n")
    assert result.exit_code == 0, result.output
    assert Person.get_by_id(sample_org.member2.id).manager_id == sample_org.indirect.id


def test_missing_columns_stay_and_empty_cells_clear(run_import, sample_org):
    # Only email and name: team, role, level, manager, dates and "active" are left as they are.
    Person.update(active=False).where(Person.id == sample_org.member.id).execute()
    assert run_import("email,name\nmember@example.com,Mo Member\n").output.strip() == (
        "Created 0, updated 0 people.")
    member = Person.get_by_id(sample_org.member.id)
    assert member.manager_id == sample_org.manager.id and member.level_id == sample_org.levels["Ramping"].id
    # An empty active cell leaves an existing person's state alone; empty cells elsewhere clear.
    result = run_import("email,name,team,manager,active\nmember@example.com,Mo Member,,,\n")
    assert result.output.strip() == "Created 0, updated 1 people."
    member = Person.get_by_id(sample_org.member.id)
    assert member.team_id is None and member.manager_id is None and not member.active
    assert run_import("email,name,active\nmember@example.com,Mo Member,Yes\n").exit_code == 0
    assert Person.get_by_id(sample_org.member.id).active


def test_new_people_may_start_inactive(run_import, sample_org):
    assert run_import("email,name,active\nold@example.com,Old Timer,no\n").exit_code == 0
    assert not Person.get(Person.email == "old@example.com").active


def test_changing_the_role_needs_a_level_that_fits(run_import, sample_org):
    result = run_import("email,name,role\nmember@example.com,Mo Member,Support Agent\n")
    assert result.exit_code != 0
    assert "line 2, column role: their current level “Ramping” is not a level of the job role Support Agent" in (
        result.output)
    # Without a role column the level is looked up in the person's current role.
    assert run_import("email,name,level\nmember@example.com,Mo Member,Senior\n").exit_code == 0
    assert Person.get_by_id(sample_org.member.id).level_id == sample_org.levels["Senior"].id


@pytest.mark.parametrize("content, message", [
    (b"", "line 1: the file is empty"),
    (b"name,team\nAnn,Sales\n", "line 1, column email: this required column is missing."),
    (b"email,name,shoe_size\na@example.com,Ann,42\n", "line 1, column shoe_size: unknown column"),
    (b"email,name,email\na@example.com,Ann,b@example.com\n", "line 1, column email: this column appears twice."),
    (b"email;name\na@example.com;Ann\n", "separated by semicolons"),
    (HEADER.encode(), "the file has a header but no people"),
    (b"email,name\nann@example.com,Ann\nb\xe9a@example.com,B\xe9a\n", "line 3: the file is not UTF-8 text"),
    (b"email,name\nann@example.com,Ann,extra\n", "line 2: this line has 3 values but the header names 2 columns"),
])
def test_cli_unreadable_files(run_import, sample_org, content, message):
    count = Person.select().count()
    result = run_import(content)
    assert result.exit_code != 0
    assert message in result.output
    assert Person.select().count() == count


def test_byte_order_mark_blank_lines_and_quoted_cells(run_import, sample_org):
    content = ("\ufeffEmail, Name ,Team\r\n"
               "\r\n"
               '"quoted@example.com","Quinn, the Quoted","Sales"\r\n').encode("utf-8")
    result = run_import(content)
    assert result.exit_code == 0, result.output
    quinn = Person.get(Person.email == "quoted@example.com")
    assert quinn.name == "Quinn, the Quoted" and quinn.team_id == sample_org.teams.sales.id


def test_line_numbers_count_multi_line_cells(run_import, sample_org):
    result = run_import('email,name\n"a@example.com","Ann\nOn Two Lines"\nnot-an-email,Bob\n')
    assert "line 4, column email" in result.output


def test_docs_example_is_the_documented_one_and_imports(run_import, sample_org):
    docs = Path(__file__).resolve().parents[2] / "docs" / "people-example.csv"
    assert docs.read_text(encoding="utf-8") == EXAMPLE_CSV
    result = run_import(docs.read_bytes())
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Created 4, updated 0 people."
    maria = Person.get(Person.email == "maria@example.com")
    assert maria.manager.email == "dana@example.com"


# --- the upload page -------------------------------------------------------------------------

def test_upload_page_documents_the_format(as_admin, sample_org):
    html = as_admin.get("/admin/people/import").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in html and 'type="file"' in html
    assert "email,name,team,role,level,manager,start_date,active" in html
    assert "YYYY-MM-DD" in html


def test_upload_creates_and_updates(as_admin, sample_org):
    response = upload(as_admin, GOOD)
    assert response.status_code == 302
    assert "Created 2, updated 1 people." in as_admin.get(response.headers["Location"]).get_data(as_text=True)
    kim = Person.get(Person.email == "kim@example.com")
    entry = AuditLog.get((AuditLog.action == "create") & (AuditLog.object_id == str(kim.id)))
    assert entry.actor_id == sample_org.admin.id
    response = upload(as_admin, GOOD)
    assert "Created 0, updated 0 people (3 unchanged)." in as_admin.get(
        response.headers["Location"]).get_data(as_text=True)


def test_upload_of_a_bad_file_shows_the_report_and_writes_nothing(as_admin, sample_org):
    before = all_people()
    response = upload(as_admin, BAD, filename="staff.csv")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Nothing was imported from staff.csv: 13 problems need fixing" in html
    assert "<tr><td>10</td><td>manager</td><td>no person with email ghost@example.com.</td></tr>" in html
    assert "<tr><td>14</td><td>email</td><td>b@example.com is also on line 6.</td></tr>" in html
    assert all_people() == before


def test_upload_refuses_a_cycle(as_admin, sample_org):
    before = all_people()
    response = upload(as_admin, "email,name,manager\ndirector@example.com,Dana Director,indirect@example.com\n")
    assert response.status_code == 400
    assert "this makes a manager cycle" in response.get_data(as_text=True)
    assert all_people() == before


def test_upload_needs_a_csv_file(as_admin, sample_org):
    response = as_admin.post("/admin/people/import", data={}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Choose a CSV file to upload." in response.get_data(as_text=True)
    response = upload(as_admin, GOOD, filename="people.xlsx")
    assert response.status_code == 400
    assert "Upload a .csv file" in response.get_data(as_text=True)
    assert not Person.select().where(Person.email == "kim@example.com").exists()


def test_a_start_date_outside_the_accepted_dates_is_refused(as_admin, sample_org):
    before = all_people()
    response = upload(as_admin, HEADER + "kim@example.com,Kim,Sales,,,,9999-12-31,\n")
    assert response.status_code == 400
    assert "outside the dates Dual Dash accepts: use a date from 1900-01-01 to 2100-12-31" in \
        response.get_data(as_text=True)
    assert all_people() == before
