"""``dualdash import …``: bulk loads from CSV files."""
from pathlib import Path

import click
from flask.cli import with_appcontext

from ..db import get_db
from ..people_import import PeopleImportError, import_people


@click.group("import")
def import_group():
    """Import data from CSV files (all-or-nothing)."""


@import_group.command("people")
@click.argument("csv_file", metavar="FILE.csv",
                type=click.Path(exists=True, dir_okay=False, readable=True, path_type=Path))
@with_appcontext
def import_people_command(csv_file):
    """Create or update people from FILE.csv, matched by email.

    \b
    Header row, columns in any order (email and name required):
      email,name,team,role,level,manager,start_date,active
    team, role and level by name, manager by email, start_date as YYYY-MM-DD,
    active as yes/no. Any bad row: every problem is listed and nothing is written."""
    db = get_db()
    with db.connection_context():
        try:
            result = import_people(csv_file)
        except PeopleImportError as exc:
            for error in exc.errors:
                click.echo(str(error), err=True)
            count = len(exc.errors)
            click.echo(f"Nothing was imported: {count} problem{'s' if count != 1 else ''} in {csv_file.name}.",
                       err=True)
            raise click.exceptions.Exit(1)
    click.echo(f"Created {result.created}, updated {result.updated} people.")
