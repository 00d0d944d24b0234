"""The measurements CSV import, through ``dualdash import measurements`` and the upload page."""
import codecs
import datetime
import io
import json
from pathlib import Path

import pytest

from dualdash.kpis.measurement_import import EXAMPLE_CSV
from dualdash.kpis.models import KPI, Measurement
from dualdash.org import settings as org_settings
from dualdash.org.audit import AuditLog
from dualdash.org.models import Person

D = datetime.date
W47 = D(2026, 11, 16)
HEADER = "person,kpi,period,value,note\n"
GOOD = HEADER + (
    "member@example.com,calls,2026-W47,12,\n"
    "MEMBER2@example.com , revenue ,2026-11-18, 1500.50 ,Two renewals\n"  # any case, spaces, a date
    "peer_report@example.com,response,2026-W47,42\n"                      # a short line: no note
)
BAD = HEADER + (
    "member@example.com,calls,2026-W47,12,\n"           # 2: fine
    "nobody@example.com,calls,2026-W47,3,\n"            # 3: no such person
    "member@example.com,clicks,2026-W47,3,\n"           # 4: no such KPI
    "member@example.com,revenue,2026-11,3,\n"           # 5: a month for a weekly KPI
    "member2@example.com,calls,2026-W47,a dozen,\n"     # 6: not a number
    "member@example.com,calls,2026-11-20,14,\n"         # 7: the same as line 2
    "\n"                                                # 8: blank: ignored
    "member2@example.com,calls,2026-W47,-1,\n"          # 9: a negative count
    "member2@example.com,revenue,2026-W47,5,\n"         # 10: fine
)
BAD_REPORT = [
    "line 3, column person: no active person has the email “nobody@example.com”.",
    "line 4, column kpi: no active KPI has the key “clicks”.",
    "line 5, column period: “2026-11” is a month, but this KPI is weekly: give a week or a date inside one.",
    "line 6, column value: “a dozen” is not a number.",
    "line 7, column period: the same person, KPI and period as line 2.",
    "line 9, column value: a count cannot be negative.",
]


def stored():
    return {(m.person_id, m.kpi_id, m.period_start): (m.value, m.note) for m in Measurement.select()}


@pytest.fixture
def run_import(runner, tmp_path):
    """``run_import(text or bytes)``: run ``dualdash import measurements`` on a file with that content."""
    def run(content, name="measurements.csv"):
        path = tmp_path / name
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        return runner.invoke(args=["import", "measurements", str(path)])
    return run


def report_rows(html):
    """How many problems the page's report table lists."""
    table = html[html.index('class="report import-report"'):]
    return table[:table.index("</table>")].count("<tr><td>")


def upload(client, content, filename="measurements.csv"):
    if isinstance(content, str):
        content = content.encode("utf-8")
    return client.post("/measurements/import", data={"file": (io.BytesIO(content), filename)},
                       content_type="multipart/form-data")


# --- the command line ------------------------------------------------------------------------

def test_cli_imports_a_good_file(run_import, sample_org, sample_kpis):
    org, k = sample_org, sample_kpis
    result = run_import(GOOD)
    assert result.exit_code == 0, result.output
    assert result.stdout == "Imported measurements.csv: 3 new, 0 changed, 0 unchanged, 0 removed (3 lines).\n"
    assert result.stderr == ""
    assert stored() == {(org.member.id, k.calls.id, W47): (12, None),
                        (org.member2.id, k.revenue.id, W47): (1500.5, "Two renewals"),
                        (org.peer_report.id, k.response.id, W47): (42, None)}
    assert all(m.entered_by_id is None for m in Measurement.select())
    audit = AuditLog.get(AuditLog.action == "measurements.import")
    assert audit.actor_id is None
    after = json.loads(audit.after)
    assert (after["created"], after["updated"], after["removed"], after["unchanged"], after["lines"]) == (3, 0, 0, 0, 3)
    assert after["source"] == "command line: measurements.csv"


def test_reimporting_the_same_file_changes_nothing(run_import, sample_org, sample_kpis):
    assert run_import(GOOD).exit_code == 0
    before = {m.id: (m.value, m.note, m.updated_at) for m in Measurement.select()}
    result = run_import(GOOD)
    assert result.exit_code == 0, result.output
    assert "0 new, 0 changed, 3 unchanged" in result.stdout
    assert {m.id: (m.value, m.note, m.updated_at) for m in Measurement.select()} == before


def test_an_empty_value_removes_and_a_new_one_changes(run_import, sample_org, sample_kpis):
    org, k = sample_org, sample_kpis
    assert run_import(GOOD).exit_code == 0
    result = run_import(HEADER + "member@example.com,calls,2026-W47,,\n"
                                 "member2@example.com,revenue,2026-W47,1600,Two renewals\n"
                                 "peer_report@example.com,response,2026-W47,42,\n"
                                 "member@example.com,revenue,2026-W46,,\n")  # nothing stored: nothing to do
    assert result.exit_code == 0, result.output
    assert "0 new, 1 changed, 1 unchanged, 1 removed (4 lines)" in result.stdout
    assert stored() == {(org.member2.id, k.revenue.id, W47): (1600, "Two renewals"),
                        (org.peer_report.id, k.response.id, W47): (42, None)}


def test_cli_reports_every_bad_line_and_writes_nothing(run_import, sample_org, sample_kpis):
    Measurement.create(person=sample_org.member, kpi=sample_kpis.calls, period_start=W47, value=1)
    before, audits = stored(), AuditLog.select().count()
    result = run_import(BAD)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == BAD_REPORT + ["Nothing was imported: 6 problems in measurements.csv."]
    assert stored() == before and Measurement.select().count() == 1
    assert AuditLog.select().count() == audits


def test_columns_in_any_order_with_a_bom(run_import, sample_org, sample_kpis):
    content = codecs.BOM_UTF8 + "Value,Period,KPI,Person\r\n12,2026-W47,calls,member@example.com\r\n".encode()
    result = run_import(content)
    assert result.exit_code == 0, result.output
    assert stored() == {(sample_org.member.id, sample_kpis.calls.id, W47): (12, None)}


@pytest.mark.parametrize("content,expected", [
    ("", ["line 1: the file is empty. The first line must name the columns: person,kpi,period,value,note,team."]),
    (HEADER, ["line 1: the file has a header but no measurements after it."]),
    ("person,kpi,period,note\nmember@example.com,calls,2026-W47,\n",
     ["line 1, column value: this required column is missing."]),
    ("person,kpi,period,value,comment\nmember@example.com,calls,2026-W47,3,hi\nx@example.com,calls,2026-W47,3,\n",
     ["line 1, column comment: unknown column; the columns are: person, kpi, period, value, note, team.",
      "line 3, column person: no active person has the email “x@example.com”."]),
    ("person,kpi,period,value,value\n", ["line 1, column value: this column appears twice."]),
    ("person;kpi;period;value\n", ["line 1: the columns are separated by semicolons: save the file with "
                                   "commas (CSV, comma-separated)."]),
    (HEADER + "member@example.com,calls,2026-W47,3,,extra\n",
     ["line 2: this line has 6 values but the header names 5 columns."]),
    (HEADER.encode() + b"member@example.com,calls,2026-W47,3,caf\xe9\n",
     ["line 2: the file is not UTF-8 text. Save it as “CSV UTF-8” (in Excel: Save As, CSV UTF-8) and try again."]),
])
def test_file_level_problems(run_import, sample_org, sample_kpis, content, expected):
    result = run_import(content)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[:-1] == expected
    assert result.stderr.splitlines()[-1].startswith("Nothing was imported")
    assert Measurement.select().count() == 0


def test_line_numbers_count_lines_of_the_file(run_import, sample_org, sample_kpis):
    """A quoted note over two lines: the next record starts on line 4."""
    result = run_import(HEADER + 'member@example.com,calls,2026-W47,3,"first line\nsecond line"\n'
                                 "member@example.com,revenue,2026-W47,x,\n")
    assert result.stderr.splitlines()[0] == "line 4, column value: “x” is not a number."


def test_large_files_show_progress_without_spoiling_the_report(run_import, sample_org, sample_kpis):
    org = sample_org
    pairs = [(p.email, key) for p in (org.manager, org.member, org.member2, org.indirect)
             for key in ("calls", "revenue")]
    lines = []
    week = D(2000, 1, 3)
    while len(lines) < 10_050:
        lines += [f"{email},{key},{week.isoformat()},{len(lines) % 50}," for email, key in pairs]
        week += datetime.timedelta(days=7)
    result = run_import(HEADER + "\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    assert result.stdout == (f"Imported measurements.csv: {len(lines)} new, 0 changed, 0 unchanged, 0 removed "
                             f"({len(lines)} lines).\n")
    assert "Checking measurements.csv" in result.stderr and "Writing measurements.csv" in result.stderr
    assert Measurement.select().count() == len(lines)
    # A bad line in a large file: still reported alone, after the bars, and nothing written.
    lines[7000] = lines[7000].replace("@example.com", "@nowhere.example")
    result = run_import(HEADER + "\n".join(lines) + "\n", name="again.csv")
    assert result.exit_code == 1
    assert result.stdout == ""
    problems = [line for line in result.stderr.splitlines() if line.startswith("line ")]
    assert problems == [f"line 7002, column person: no active person has the email "
                        f"“{lines[7000].split(',')[0]}”."]
    assert result.stderr.splitlines()[-1] == "Nothing was imported: 1 problem in again.csv."


def test_small_files_show_no_progress_bar(run_import, sample_org, sample_kpis):
    assert "Checking" not in run_import(GOOD).output


def test_people_import_still_works(runner, tmp_path, sample_org):
    path = tmp_path / "people.csv"
    path.write_text("email,name\nkim@example.com,Kim Kept\n")
    result = runner.invoke(args=["import", "people", str(path)])
    assert result.exit_code == 0, result.output
    assert Person.select().where(Person.email == "kim@example.com").exists()


def test_the_example_file(run_import, sample_org):
    docs = Path(__file__).resolve().parents[2] / "docs" / "measurements-example.csv"
    assert docs.read_text(encoding="utf-8") == EXAMPLE_CSV
    # With the demo's KPI keys, the example imports for the sample organization's member.
    for key in ("calls_made", "revenue", "deals_closed"):
        KPI.create(key=key, name=key, cadence="weekly")
    result = run_import(EXAMPLE_CSV)
    assert result.exit_code == 0, result.output
    assert "3 new, 0 changed, 0 unchanged, 0 removed (4 lines)" in result.stdout


# --- the upload page ---------------------------------------------------------------------------

def test_upload_page_shows_the_format(as_manager, sample_kpis):
    html = as_manager.get("/measurements/import").get_data(as_text=True)
    assert 'type="file"' in html and "person,kpi,period,value,note" in html
    assert "the people below you." in html


def test_manager_uploads_for_their_people(as_manager, sample_org, sample_kpis):
    org, k = sample_org, sample_kpis
    content = HEADER + "member@example.com,calls,2026-W47,12,\nindirect@example.com,revenue,2026-W47,900,Late\n"
    response = upload(as_manager, content)
    assert response.status_code == 302
    page = as_manager.get(response.headers["Location"]).get_data(as_text=True)
    assert "Imported measurements.csv: 2 new, 0 changed, 0 unchanged, 0 removed." in page
    assert stored() == {(org.member.id, k.calls.id, W47): (12, None),
                        (org.indirect.id, k.revenue.id, W47): (900, "Late")}
    assert all(m.entered_by_id == org.manager.id for m in Measurement.select())
    audit = AuditLog.get(AuditLog.action == "measurements.import")
    assert audit.actor_id == org.manager.id and json.loads(audit.after)["source"] == "upload: measurements.csv"
    response = upload(as_manager, content)
    assert "2 unchanged" in as_manager.get(response.headers["Location"]).get_data(as_text=True)


def test_upload_reports_every_bad_line_in_a_table(as_manager, sample_org, sample_kpis):
    content = BAD.replace("member@example.com,calls,2026-W47,12,\n",
                          "peer_report@example.com,response,2026-W47,12,\n", 1)  # line 2: not theirs
    response = upload(as_manager, content, filename="week47.csv")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Nothing was imported from week47.csv: 6 problems need fixing" in html
    assert "<tr><td>2</td><td>person</td><td>you may not enter values for peer_report@example.com.</td></tr>" in html
    assert "<tr><td>4</td><td>kpi</td><td>no active KPI has the key “clicks”.</td></tr>" in html
    assert "<tr><td>6</td><td>value</td><td>“a dozen” is not a number.</td></tr>" in html
    assert "<tr><td>9</td><td>value</td><td>a count cannot be negative.</td></tr>" in html
    assert report_rows(html) == 6  # line 7 is no longer a duplicate of line 2
    assert Measurement.select().count() == 0
    assert not AuditLog.select().where(AuditLog.action == "measurements.import").exists()


def test_upload_without_a_file_or_with_another_kind(as_manager, sample_kpis):
    response = as_manager.post("/measurements/import", data={}, content_type="multipart/form-data")
    assert response.status_code == 400 and "Choose a CSV file to upload." in response.get_data(as_text=True)
    response = upload(as_manager, GOOD, filename="values.xlsx")
    assert response.status_code == 400 and "Upload a .csv file" in response.get_data(as_text=True)
    assert Measurement.select().count() == 0


def test_upload_size_limit(app, as_admin, sample_kpis):
    app.config["MAX_CONTENT_LENGTH"] = 200
    response = upload(as_admin, GOOD * 10)
    assert response.status_code == 413
    assert "File too large" in response.get_data(as_text=True)
    assert Measurement.select().count() == 0


def test_admin_uploads_for_anyone_with_a_bom(as_admin, sample_org, sample_kpis):
    response = upload(as_admin, codecs.BOM_UTF8 + GOOD.encode())
    assert response.status_code == 302
    assert Measurement.select().count() == 3


def test_members_upload_only_with_self_reporting(app, as_member, sample_org, sample_kpis):
    response = as_member.get("/measurements/import")
    assert response.status_code == 403
    assert "There is no one you may enter measurements for" in response.get_data(as_text=True)
    assert upload(as_member, HEADER + "member@example.com,calls,2026-W47,3,\n").status_code == 403
    assert Measurement.select().count() == 0
    with app.test_request_context():
        org_settings.save(org_settings.OrgSettings(self_reporting=True))
    response = upload(as_member,
                      HEADER + "member@example.com,calls,2026-W47,3,\nmember2@example.com,calls,2026-W47,3,\n")
    assert response.status_code == 400
    assert "you may not enter values for member2@example.com." in response.get_data(as_text=True)
    assert Measurement.select().count() == 0
    assert upload(as_member, HEADER + "member@example.com,calls,2026-W47,3,\n").status_code == 302
    assert stored() == {(sample_org.member.id, sample_kpis.calls.id, W47): (3, None)}


def test_upload_page_lists_at_most_a_thousand_problems(as_admin, sample_kpis):
    content = HEADER + "".join(f"nobody{i}@example.com,calls,2026-W47,1,\n" for i in range(1100))
    response = upload(as_admin, content)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "1100 problems need fixing" in html and "the first 1000 of 1100" in html
    assert report_rows(html) == 1000


# --- long files: streamed in chunks, all or nothing ------------------------------------------

@pytest.fixture
def small_chunks(monkeypatch):
    """Chunks of a few lines, so that short files exercise what long ones do."""
    from dualdash.kpis import measurement_import
    monkeypatch.setattr(measurement_import, "WRITE_CHUNK", 7)


def weekly_lines(org, weeks, value=lambda i: i % 50):
    """``weeks`` weeks of calls and revenue for four people: 8 lines a week."""
    pairs = [(p.email, key) for p in (org.manager, org.member, org.member2, org.indirect)
             for key in ("calls", "revenue")]
    lines, week = [], D(2025, 1, 6)
    for _ in range(weeks):
        lines += [f"{email},{key},{week.isoformat()},{value(len(lines))}," for email, key in pairs]
        week += datetime.timedelta(days=7)
    return lines


def test_a_problem_late_in_a_long_file_writes_nothing(run_import, small_chunks, sample_org, sample_kpis,
                                                      monkeypatch):
    from dualdash.kpis import measurements
    written, write_chunk = [], measurements.write_chunk
    monkeypatch.setattr(measurements, "write_chunk", lambda store, chunk, *a, **k: (
        written.append(len(chunk)), write_chunk(store, chunk, *a, **k))[1])
    lines = weekly_lines(sample_org, 10)
    lines[-2] = lines[-2].replace(",calls,", ",clicks,")
    result = run_import(HEADER + "\n".join(lines) + "\n")
    assert sum(written) >= 70  # the chunks before the bad line were written…
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f"line {len(lines)}, column kpi: no active KPI has the key “clicks”.",
                                          "Nothing was imported: 1 problem in measurements.csv."]
    assert Measurement.select().count() == 0  # …and rolled back
    assert not AuditLog.select().where(AuditLog.action == "measurements.import").exists()


def test_repeated_keys_are_found_across_chunks_in_file_order(run_import, small_chunks, sample_org, sample_kpis):
    lines = weekly_lines(sample_org, 4)                 # file lines 2..33
    lines[20] = lines[3]                                # line 22 repeats line 5 (an earlier chunk)
    lines[23] = lines[22]                               # line 25 repeats line 24 (the same chunk)
    lines[24] = lines[24].replace(",2025-", ",20x5-")   # line 26: a bad period, after line 25 in its chunk
    result = run_import(HEADER + "\n".join(lines) + "\n")
    assert result.exit_code == 1
    assert [line.split(":")[0] for line in result.stderr.splitlines()[:-1]] == [
        "line 22, column period", "line 25, column period", "line 26, column period"]
    assert result.stderr.splitlines()[0].endswith("the same person, KPI and period as line 5.")
    assert result.stderr.splitlines()[1].endswith("the same person, KPI and period as line 24.")
    assert Measurement.select().count() == 0


def test_problems_are_capped_with_the_count_of_the_rest(run_import, sample_org, sample_kpis):
    content = HEADER + "".join(f"nobody{i}@example.com,calls,2026-W47,1,\n" for i in range(1500))
    result = run_import(content)
    assert result.exit_code == 1
    errors = result.stderr.splitlines()
    assert len(errors) == 1002
    assert errors[0] == "line 2, column person: no active person has the email “nobody0@example.com”."
    assert errors[999].startswith("line 1001, ")
    assert errors[-2:] == ["… and 500 more problems (fix these and import again to see them).",
                           "Nothing was imported: 1500 problems in measurements.csv."]


def test_counts_across_chunks_and_on_reimport(run_import, small_chunks, sample_org, sample_kpis):
    lines = weekly_lines(sample_org, 5)
    assert "40 new, 0 changed, 0 unchanged, 0 removed (40 lines)" in run_import(HEADER + "\n".join(lines) + "\n").stdout
    stamps = {m.id: m.updated_at for m in Measurement.select()}
    again = run_import(HEADER + "\n".join(lines) + "\n")
    assert "0 new, 0 changed, 40 unchanged, 0 removed" in again.stdout
    assert {m.id: m.updated_at for m in Measurement.select()} == stamps   # nothing was rewritten
    changed = [line.replace(",2025-", ",2024-") if i < 8 else line for i, line in enumerate(lines)]  # 8 new
    changed = [f"{line[:line.rindex(',', 0, -1)]},999," if 8 <= i < 11 else line for i, line in enumerate(changed)]
    changed = [f"{line[:line.rindex(',', 0, -1)]},," if 11 <= i < 13 else line for i, line in enumerate(changed)]
    changed.append(lines[0])  # one of the values the 2024 lines moved away from, unchanged
    result = run_import(HEADER + "\n".join(changed) + "\n")
    assert result.exit_code == 0, result.output
    assert "8 new, 3 changed, 28 unchanged, 2 removed (41 lines)" in result.stdout
    assert Measurement.select().count() == 40 + 8 - 2
    assert Measurement.select().where(Measurement.value == 999).count() == 3
    audit = json.loads(AuditLog.select().where(AuditLog.action == "measurements.import")
                       .order_by(AuditLog.id.desc()).get().after)
    assert (audit["created"], audit["updated"], audit["unchanged"], audit["removed"]) == (8, 3, 28, 2)


def test_the_import_leaves_foreign_key_checks_on(app, run_import, sample_org, sample_kpis):
    from dualdash.db import get_db
    db = get_db(app)
    assert run_import(GOOD).exit_code == 0
    if db.param == "?":
        with db.connection_context():
            assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1


EARLY = HEADER + (
    "member@example.com,calls,2026-W45,12,\n"   # before 2026-11-16: early
    "member@example.com,calls,2026-W46,12,\n"   # early
    "member@example.com,revenue,2026-W46,900,\n"  # early
    "member@example.com,calls,2026-W47,3,\n"    # the week they started: fine
    "member@example.com,revenue,2026-W45,,\n"   # no data: nothing dated
    "member2@example.com,calls,2026-W45,3,\n"   # no start date: fine
)


def _starts_in_w47(org):
    Person.update(start_date=D(2026, 11, 18)).where(Person.id == org.member.id).execute()


def test_the_import_report_warns_of_values_before_the_start_date(run_import, sample_org, sample_kpis):
    _starts_in_w47(sample_org)
    result = run_import(EARLY)
    assert result.exit_code == 0, result.output
    assert "Warning: 3 values are dated before the person's start date" in result.output
    assert len(stored()) == 5  # imported anyway
    quiet = run_import(GOOD)
    assert "start date" not in quiet.output


def test_the_upload_warns_of_values_before_the_start_date(as_manager, sample_org, sample_kpis):
    _starts_in_w47(sample_org)
    response = upload(as_manager, EARLY)
    assert response.status_code == 302
    page = as_manager.get(response.headers["Location"]).get_data(as_text=True)
    assert "Warning: 3 values are dated before the person&#39;s start date" in page
    assert len(stored()) == 5
