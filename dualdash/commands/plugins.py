"""``dualdash plugins``: what loaded, from where, with which hooks; and what failed."""
import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("plugins")
@with_appcontext
def plugins_command():
    """List the loaded plugins, where each came from and the hooks it implements."""
    fw = current_app.extensions["dualdash.plugins"]
    width = max((len(p.name) for p in fw.plugins), default=10)
    for p in fw.plugins:
        click.echo(f"{p.name:<{width}}  {p.source}")
        click.echo(f"{'':<{width}}  hooks: {', '.join(p.hooks) or '(none)'}")
    click.echo(f"{len(fw.drivers)} drivers, {len(fw.band_rules)} band rules, {len(fw.questions)} coaching "
               f"questions, {len(fw.kpi_library)} library KPIs, {len(fw.skill_frameworks)} skill frameworks.")
    if fw.errors:
        click.echo(f"\n{len(fw.errors)} problem(s):", err=True)
        for error in fw.errors:
            click.echo(f"  - {error}", err=True)
        raise SystemExit(1)
