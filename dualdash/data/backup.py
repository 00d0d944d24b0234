"""Backups: a consistent copy of a running SQLite database, or the ``pg_dump`` command for PostgreSQL.

SQLite's online backup API copies the database page by page while the app keeps serving: the copy
is the state of one moment (the last committed transaction), whatever other connections do during
it. The copy is written beside its final name and renamed once it passed ``PRAGMA integrity_check``,
so a backup file is never half written."""
import datetime
import os
import shlex
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

#: The file name of a backup made at a given time.
NAME_FORMAT = "dualdash-%Y%m%d-%H%M%S"
SUFFIX = ".sqlite3"


class BackupError(Exception):
    """A backup could not be made; the message says why."""


@dataclass(frozen=True)
class Backup:
    path: Path
    size: int
    tables: int


def sqlite_path(url):
    """The file of an ``sqlite:///…`` DATABASE_URL, or None for another database."""
    if not url.startswith("sqlite"):
        return None
    path = url.split(":///", 1)[-1]
    if not path or path == ":memory:":
        raise BackupError("An in-memory SQLite database cannot be backed up.")
    return Path(path)


def destination(dest, default_folder, now=None):
    """Where the backup goes: ``dest`` when it names a file; inside ``dest`` when it is a folder (an
    existing one, or a name ending with a slash); in ``default_folder`` when there is no ``dest``.
    A file in a folder is named after the time (``dualdash-YYYYMMDD-HHMMSS.sqlite3``)."""
    now = now or datetime.datetime.now()
    if dest is not None:
        dest_text = str(dest)
        dest = Path(dest).expanduser()
        if not (dest.is_dir() or dest_text.endswith(("/", os.sep))):
            if dest.exists():
                raise BackupError(f"{dest} already exists: give a new file name, or a folder.")
            return dest
        folder = dest
    else:
        folder = Path(default_folder)
    stem = now.strftime(NAME_FORMAT)
    path = folder / (stem + SUFFIX)
    n = 1
    while path.exists():  # two backups within one second
        n += 1
        path = folder / f"{stem}-{n}{SUFFIX}"
    return path


def backup_sqlite(source, target):
    """Copy the SQLite database ``source`` to the new file ``target`` with the online backup API,
    check the copy, and return a :class:`Backup`. Raises :class:`BackupError`."""
    source, target = Path(source), Path(target)
    if not source.is_file():
        raise BackupError(f"There is no database at {source}.")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        # Opened read-only: a backup never writes to the live database.
        src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
        try:
            dst = sqlite3.connect(partial)
            try:
                src.backup(dst)
                # One self-contained file: no -wal or -shm file beside the copy.
                dst.execute("PRAGMA journal_mode=DELETE")
                result = dst.execute("PRAGMA integrity_check").fetchall()
                tables = dst.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
            finally:
                dst.close()
        finally:
            src.close()
    except sqlite3.Error as exc:
        partial.unlink(missing_ok=True)
        raise BackupError(f"The backup failed: {exc}.") from exc
    if result != [("ok",)]:
        partial.unlink(missing_ok=True)
        problems = "; ".join(row[0] for row in result[:5])
        raise BackupError(f"The copy failed its integrity check ({problems}); nothing was kept.")
    os.replace(partial, target)
    return Backup(target, target.stat().st_size, tables)


def pg_dump_command(url, now=None):
    """The ``pg_dump`` command that backs up the PostgreSQL database of ``url`` (never its password:
    pg_dump asks for it, or reads ``PGPASSWORD`` or ``~/.pgpass``)."""
    parts = urlsplit(url)
    name = unquote(parts.path.lstrip("/"))
    args = ["pg_dump", "--format=custom",
            f"--file={(now or datetime.datetime.now()).strftime(NAME_FORMAT)}.dump"]
    if parts.hostname:
        args.append(f"--host={parts.hostname}")
    if parts.port:
        args.append(f"--port={parts.port}")
    if parts.username:
        args.append(f"--username={unquote(parts.username)}")
    args.append(name or "dualdash")
    return " ".join(shlex.quote(a) for a in args)


def size_text(size):
    """``1.4 MB (1,468,006 bytes)``."""
    value, unit = float(size), "bytes"
    for unit in ("bytes", "KB", "MB", "GB", "TB"):
        if value < 1024 or unit == "TB":
            break
        value /= 1024
    shown = f"{size:,} bytes" if unit == "bytes" else f"{value:.1f} {unit} ({size:,} bytes)"
    return shown
