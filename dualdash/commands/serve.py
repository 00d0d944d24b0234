"""``dualdash serve``: the production WSGI server (waitress)."""
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import click
from flask import current_app
from flask.cli import with_appcontext

from dualdash.commands.demo import fill_demo
from dualdash.db import ensure_schema, get_db
from dualdash.demo.organization import DEMO_PASSWORD, SIGN_INS, format_sign_ins
from dualdash.org.models import Person


@click.command("serve")
@click.option("--demo", is_flag=True, help="Fill an empty database with the demo organization first.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (0.0.0.0 for every interface).")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 256),
              help="Worker threads serving requests.")
@click.option("--plugins-dir", type=click.Path(exists=True, file_okay=False, dir_okay=True),
              help="Load plugin files from this folder (setting PLUGINS_DIR).")
@with_appcontext
def serve_command(demo, host, port, threads, plugins_dir):
    """Run Dual Dash with the production WSGI server."""
    import waitress

    app = current_app._get_current_object()
    if plugins_dir:
        app = _with_plugins_dir(app, plugins_dir)
    if demo:
        result = fill_demo(app)
        if result is not None:
            click.echo(format_sign_ins(result))
        else:
            click.echo("The database already has people: leaving it as it is.")
            with get_db(app).connection_context():
                if Person.select().where(Person.email == SIGN_INS["admin"]).exists():
                    click.echo(f"Demo sign-ins: {', '.join(SIGN_INS.values())} (password: {DEMO_PASSWORD}).")
    elif ensure_schema(app) == "created":
        click.echo("Created a new database.")
    with get_db(app).connection_context():
        if not Person.select().where(Person.password_hash.is_null(False)).exists():
            click.echo("Nobody can sign in yet: create an admin with "
                       "'dualdash create-user EMAIL --admin'.")
    click.echo(f"Database: {shown_url(app.config['DATABASE_URL'])}")
    click.echo(f"Instance folder: {app.instance_path}")
    hint = plugins_hint(app)
    if hint:
        click.echo(hint)
    click.echo(f"Dual Dash is running on http://{host}:{port}/ (press Ctrl+C to stop).")
    waitress.serve(app, host=host, port=port, threads=threads, ident="Dual Dash",
                   **body_limit(app.config.get("MAX_CONTENT_LENGTH")))


def body_limit(max_content_length):
    """waitress's own limit on a request body, from MAX_CONTENT_LENGTH: waitress refuses a larger body
    (413) before reading it, where Flask would only check it after waitress had buffered it (up to
    1 GiB by default). No MAX_CONTENT_LENGTH: waitress's default stays."""
    if not max_content_length:
        return {}
    return {"max_request_body_size": int(max_content_length)}


def shown_url(url):
    """``DATABASE_URL`` to print: an SQLite file as its path, any password hidden."""
    if url.startswith("sqlite:///"):
        return url.split(":///", 1)[1]
    parts = urlsplit(url)
    if parts.password:
        netloc = f"{parts.username}:***@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
        return urlunsplit(parts._replace(netloc=netloc))
    return url


def plugins_hint(app):
    """What to say when no plugin file loaded: the example organizations of a checkout (in
    ./plugins) are only loaded from a regular install when asked for with --plugins-dir."""
    framework = app.extensions["dualdash.plugins"]
    if any(info.source.startswith("file ") for info in framework.plugins):
        return None
    here = Path.cwd() / "plugins"
    if here.is_dir() and any(p.suffix == ".py" and not p.name.startswith(("test_", "_", "conftest"))
                             or (p / "__init__.py").is_file() for p in here.iterdir()):
        return ("No organization plugins are loaded, so the KPI library and skill frameworks are empty. "
                "The example organizations in ./plugins load with: dualdash serve --demo --plugins-dir plugins")
    return ("No organization plugins are loaded (the KPI library and skill frameworks are empty): put plugin "
            "files in the plugins folder or name one with --plugins-dir.")


def _with_plugins_dir(app, plugins_dir):
    """The app rebuilt with another plugins folder (the CLI built the first one before options were read)."""
    from dualdash.plugins.manager import PluginsFailed
    try:
        return app.extensions["dualdash.create_app"]({**app.extensions["dualdash.test_config"],
                                                      "PLUGINS_DIR": plugins_dir})
    except PluginsFailed as exc:
        raise click.ClickException(str(exc)) from None
