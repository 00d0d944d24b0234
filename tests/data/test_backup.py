"""``dualdash backup``: a consistent, checked copy of a running SQLite database (always tested on
SQLite, whatever database the rest of the suite uses), and the pg_dump command for PostgreSQL."""
import datetime
import re
import sqlite3
from pathlib import Path

import pytest

from dualdash.data import backup
from dualdash.db import get_db, upgrade
from dualdash.models import ALL_MODELS
from dualdash.testing import make_app, make_sample_org

NAME = re.compile(r"dualdash-\d{8}-\d{6}(-\d+)?\.sqlite3$")


@pytest.fixture
def sqlite_app(tmp_path):
    """An app on its own SQLite file with the sample organization in it."""
    app = make_app(tmp_path, f"sqlite:///{tmp_path / 'live.sqlite3'}")
    db = get_db(app)
    upgrade(db)
    with app.app_context(), db.connection_context():
        make_sample_org()
    return app


def counts(path):
    """Rows per table of the SQLite file at ``path`` (opened read-only)."""
    con = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
    try:
        return {m._meta.table_name: con.execute(f'SELECT count(*) FROM "{m._meta.table_name}"').fetchone()[0]
                for m in ALL_MODELS}
    finally:
        con.close()


def backed_up(result):
    match = re.search(r" to (\S+\.sqlite3): ", result.output)
    assert result.exit_code == 0 and match, result.output
    return Path(match.group(1))


def test_backup_into_a_folder_while_another_connection_writes(sqlite_app, tmp_path):
    live = tmp_path / "live.sqlite3"
    committed = counts(live)
    # Another process is in the middle of a write: its rows are not committed, so not in the copy.
    other = sqlite3.connect(live, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO team (name, created_at) VALUES ('Uncommitted', '2026-01-01 00:00:00')")
    try:
        folder = tmp_path / "backups"
        folder.mkdir()
        result = sqlite_app.test_cli_runner().invoke(args=["backup", str(folder)])
        copy = backed_up(result)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert copy.parent == folder and NAME.search(copy.name)
    assert "integrity check ok" in result.output and f"{copy.stat().st_size:,} bytes" in result.output
    assert counts(copy) == committed and committed["person"] == 8
    con = sqlite3.connect(copy)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert con.execute("PRAGMA journal_mode").fetchone() == ("delete",)  # one self-contained file
        assert con.execute("SELECT name FROM person WHERE email = 'admin@example.com'").fetchone() == ("Ada Admin",)
    finally:
        con.close()
    assert not list(folder.glob("*.partial"))


def test_backup_to_a_file_name_and_to_the_default_folder(sqlite_app, tmp_path):
    runner = sqlite_app.test_cli_runner()
    target = tmp_path / "nightly" / "copy.sqlite3"
    assert backed_up(runner.invoke(args=["backup", str(target)])) == target
    assert counts(target)["person"] == 8
    refused = runner.invoke(args=["backup", str(target)])
    assert refused.exit_code != 0 and "already exists" in refused.output
    default = backed_up(runner.invoke(args=["backup"]))
    assert default.parent == Path(sqlite_app.instance_path) / "backups" and NAME.search(default.name)
    second = backed_up(runner.invoke(args=["backup"]))  # within the same second: another name
    assert second != default and second.is_file() and default.is_file()


def test_destination_names_a_timestamped_file_in_a_folder(tmp_path):
    at = datetime.datetime(2026, 11, 18, 14, 3, 9)
    assert backup.destination(None, tmp_path, at) == tmp_path / "dualdash-20261118-140309.sqlite3"
    assert backup.destination(str(tmp_path / "new") + "/", tmp_path, at) == (
        tmp_path / "new" / "dualdash-20261118-140309.sqlite3")
    assert backup.destination(tmp_path / "x.db", None, at) == tmp_path / "x.db"


def test_backup_of_a_missing_database_is_a_clear_error(tmp_path):
    with pytest.raises(backup.BackupError, match="There is no database"):
        backup.backup_sqlite(tmp_path / "nothing.sqlite3", tmp_path / "copy.sqlite3")
    assert not (tmp_path / "copy.sqlite3").exists()


def test_postgresql_gets_the_pg_dump_command_without_the_password(tmp_path):
    app = make_app(tmp_path, "postgresql://alice:s3cret-pw@db.example.internal:6543/dualdash_prod")
    result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert re.search(r"pg_dump --format=custom --file=dualdash-\d{8}-\d{6}\.dump --host=db\.example\.internal "
                     r"--port=6543 --username=alice dualdash_prod", result.output)
    assert "s3cret" not in result.output
    assert not (tmp_path / "out").exists()
