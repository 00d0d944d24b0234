"""``dualdash export`` and ``dualdash import-all``: the whole organization as CSV files and back."""
from pathlib import Path

import click
from flask.cli import with_appcontext

from dualdash.data.export import MANIFEST, ExportError, export_all
from dualdash.data.import_all import DataImportError, import_all
from dualdash.db import DISK_FULL_IMPORT, OPERATIONAL_ERRORS, get_db, is_disk_full


@click.command("export")
@click.argument("folder", metavar="DIR", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Write into a folder that is not empty (files of the same names "
                                            "are replaced).")
@with_appcontext
def export_command(folder, force):
    """Write every table as DIR/<table>.csv, plus DIR/dualdash-export.json describing them.

    DIR must be new or empty (unless --force). The files hold everything, password and token hashes
    included: keep them as safe as the database. 'dualdash import-all DIR' loads them back."""
    db = get_db()
    try:
        with db.connection_context():
            manifest = export_all(db, folder, force=force)
    except ExportError as exc:
        raise click.ClickException(str(exc)) from None
    for table in manifest["tables"]:
        click.echo(f"  {table['file']:<28} {table['rows']:>9,} rows")
    rows = sum(t["rows"] for t in manifest["tables"])
    click.echo(f"Exported {len(manifest['tables'])} tables ({rows:,} rows, schema {manifest['schema']['level']}) "
               f"to {folder}; {MANIFEST} describes them.")


@click.command("import-all")
@click.argument("folder", metavar="DIR", type=click.Path(exists=True, file_okay=False, path_type=Path))
@with_appcontext
def import_all_command(folder):
    """Load an export made by 'dualdash export' into an empty database.

    The database is created or brought to the export's schema first, then loaded in one
    transaction and migrated to the current schema: any problem writes nothing. An export from a
    newer Dual Dash, or a database that already holds rows, is refused."""
    db = get_db()
    try:
        loaded = import_all(db, folder)
    except DataImportError as exc:
        raise click.ClickException(str(exc) + " Nothing was written.") from None
    except OPERATIONAL_ERRORS as exc:
        if not is_disk_full(exc):
            raise
        raise click.ClickException(DISK_FULL_IMPORT) from None
    then = f"; then migrated: {', '.join(loaded.migrated)}" if loaded.migrated else ""
    click.echo(f"Imported {loaded.tables} tables ({loaded.rows:,} rows, schema {loaded.schema}{then}) from {folder}.")
