"""``dualdash demo``."""
import click
from flask import current_app
from flask.cli import with_appcontext

from ..db import ensure_schema, get_db
from ..demo import build_demo, format_sign_ins
from ..models import Person


def fill_demo(app):
    """Create the schema if needed and fill the demo organization into an empty database.

    Returns the demo result, or None when the database already has people."""
    ensure_schema(app)
    db = get_db(app)
    with db.connection_context():
        if Person.select().exists():
            return None
        with db.atomic():
            return build_demo()


@click.command("demo")
@with_appcontext
def demo_command():
    """Fill an empty database with a realistic demo organization and print its sign-ins."""
    result = fill_demo(current_app)
    if result is None:
        raise click.ClickException(
            "The database already has people: the demo only fills an empty organization. "
            "Point DATABASE_URL (or DUALDASH_INSTANCE) at a new database to try it.")
    click.echo(format_sign_ins(result))
