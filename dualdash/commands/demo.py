"""``dualdash demo``: the 40-person demo, or ``--people N`` for a large synthetic organization."""
import click
from flask import current_app
from flask.cli import with_appcontext

from dualdash.db import ensure_schema, get_db
from dualdash.demo.organization import build_demo, format_sign_ins
from dualdash.demo.scale import DEFAULT_WEEKS, build_synthetic, format_summary
from dualdash.org.models import Person


def fill_demo(app, people=None, weeks=DEFAULT_WEEKS, seed=7, progress=None):
    """Create the schema if needed and fill the demo organization into an empty database: the
    40-person demo, or a synthetic one of ``people`` people with ``weeks`` weeks of values.

    Returns the demo result, or None when the database already has people."""
    ensure_schema(app)
    db = get_db(app)
    with db.connection_context():
        if Person.select().exists():
            return None
        if people is None:
            return build_demo(seed=seed)
        return build_synthetic(people, weeks=weeks, seed=seed, progress=progress)


@click.command("demo")
@click.option("--people", type=click.IntRange(min=20), metavar="N",
              help="Build a synthetic organization of N people instead (e.g. 5000), loaded in bulk.")
@click.option("--weeks", type=click.IntRange(min=1, max=1000), metavar="W",
              help=f"With --people: weeks of measurements up to this week (default {DEFAULT_WEEKS}).")
@click.option("--seed", type=int, default=7, show_default=True,
              help="The same seed builds the same organization.")
@with_appcontext
def demo_command(people, weeks, seed):
    """Fill an empty database with a realistic demo organization and print its sign-ins.

    \b
    Without options: a 40-person company with a year of weekly values.
    With --people N: N people in teams of about 160, up to twenty job roles,
    eight KPIs per scorecard and --weeks weeks of values (three years
    by default), for trying Dual Dash at scale."""
    if weeks is not None and people is None:
        raise click.UsageError("--weeks goes with --people (the 40-person demo always has a year of values).")
    result = fill_demo(current_app, people, weeks or DEFAULT_WEEKS, seed, progress=click.echo)
    if result is None:
        raise click.ClickException(
            "The database already has people: the demo only fills an empty organization. "
            "Point DATABASE_URL (or DUALDASH_INSTANCE) at a new database to try it.")
    if people is not None:
        click.echo(format_summary(result))
    click.echo(format_sign_ins(result))
