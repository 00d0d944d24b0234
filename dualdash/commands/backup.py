"""``dualdash backup``: a consistent copy of the running SQLite database, or how to back up PostgreSQL."""
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from dualdash.data import backup


@click.command("backup")
@click.argument("dest", required=False, type=click.Path(path_type=Path))
@with_appcontext
def backup_command(dest):
    """Copy the SQLite database to DEST while the app keeps running.

    \b
    DEST a folder (or none: the instance folder's backups/): a new file
    dualdash-YYYYMMDD-HHMMSS.sqlite3 in it; DEST a file name: that file.
    The copy is checked (PRAGMA integrity_check) before it is kept.
    On PostgreSQL this prints the pg_dump command to use, and does nothing else."""
    url = current_app.config["DATABASE_URL"]
    try:
        source = backup.sqlite_path(url)
        if source is None:
            click.echo("The database is PostgreSQL: back it up with pg_dump, for example")
            click.echo("")
            click.echo("    " + backup.pg_dump_command(url))
            click.echo("")
            click.echo("(pg_dump asks for the password, or reads PGPASSWORD or ~/.pgpass; restore into an empty "
                       "database with pg_restore --dbname=NAME FILE.dump.)")
            return
        target = backup.destination(dest, Path(current_app.instance_path) / "backups")
        made = backup.backup_sqlite(source, target)
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Backed up {source} to {made.path}: {backup.size_text(made.size)}, {made.tables} tables, "
               "integrity check ok.")
