"""A full disk during an import: the import says so ("the disk is full; nothing was imported") instead
of a traceback ending in "cannot rollback - no transaction is active", and nothing is written."""
import io
import sqlite3

import pytest

from dualdash.db import DISK_FULL_IMPORT, database
from dualdash.kpis import measurement_store
from dualdash.kpis.models import Measurement
from dualdash.org import people_writer
from dualdash.org.models import Person
from dualdash.testing import postgres_url

CSV = "person,kpi,period,value\nmember@example.com,calls,2026-W10,4\nmember2@example.com,calls,2026-W10,5\n"


@pytest.fixture
def full_disk(monkeypatch):
    """The store fails as SQLite does on a full disk: the driver's own error, after SQLite has rolled
    the whole transaction back by itself."""
    if postgres_url():
        pytest.skip("simulates SQLite's full disk")

    def fail(*args, **kwargs):
        database.obj.connection().execute("ROLLBACK")
        raise sqlite3.OperationalError("database or disk is full")
    monkeypatch.setattr(measurement_store.Store, "upsert", fail)
    monkeypatch.setattr(measurement_store.Store, "write", fail)
    monkeypatch.setattr(people_writer, "_stored_ids", fail)


def test_the_import_command_says_the_disk_is_full(app, runner, sample_kpis, sample_org, tmp_path, full_disk):
    csv_file = tmp_path / "values.csv"
    csv_file.write_text(CSV)
    result = runner.invoke(args=["import", "measurements", str(csv_file)])
    assert result.exit_code == 1
    assert DISK_FULL_IMPORT in result.output
    assert "cannot rollback" not in result.output and result.exception.__class__ is SystemExit
    assert Measurement.select().count() == 0


def test_the_people_import_command_says_the_disk_is_full(app, runner, sample_org, tmp_path, full_disk):
    csv_file = tmp_path / "people.csv"
    csv_file.write_text("email,name\nnew@example.com,Nia New\n")
    result = runner.invoke(args=["import", "people", str(csv_file)])
    assert result.exit_code == 1 and DISK_FULL_IMPORT in result.output
    assert not Person.select().where(Person.email == "new@example.com").exists()


def test_the_upload_pages_say_the_disk_is_full(app, as_admin, sample_kpis, sample_org, full_disk):
    r = as_admin.post("/measurements/import", data={"file": (io.BytesIO(CSV.encode()), "values.csv")},
                      content_type="multipart/form-data")
    assert r.status_code == 507
    assert "The disk is full; nothing was imported" in r.get_data(as_text=True)
    assert Measurement.select().count() == 0
    r = as_admin.post("/admin/people/import",
                      data={"file": (io.BytesIO(b"email,name\nnew@example.com,Nia New\n"), "people.csv")},
                      content_type="multipart/form-data")
    assert r.status_code == 507
    assert "The disk is full; nothing was imported" in r.get_data(as_text=True)
