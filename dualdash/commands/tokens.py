"""``dualdash create-token``: a personal API token from the command line."""
import click
from flask.cli import with_appcontext

from dualdash.db import get_db, write_transaction
from dualdash.org.audit import record, snapshot
from dualdash.org.models import Person
from dualdash.web.forms.tokens import NAME_MAX
from dualdash.web.tokens import issue_token

DEFAULT_NAME = "Command line"


@click.command("create-token")
@click.argument("email")
@click.option("--name", default=DEFAULT_NAME, show_default=True,
              help="What the token is for, shown in the person's list of tokens.")
@with_appcontext
def create_token_command(email, name):
    """Create a personal API token for EMAIL and print it (once: only its hash is kept).

    The token acts as that person, with exactly their permissions. It is listed, and can be
    revoked, on their profile page."""
    name = name.strip()
    if not name or len(name) > NAME_MAX:
        raise click.BadParameter(f"give a name of 1 to {NAME_MAX} characters.", param_hint="--name")
    db = get_db()
    with db.connection_context():
        person = Person.get_or_none(Person.email == email.strip().lower())
        if person is None:
            raise click.ClickException(f"Nobody has the email {email}.")
        if not person.active:
            raise click.ClickException(f"{person.name} <{person.email}> is deactivated: a token would not work.")
        with write_transaction(db):
            row, token = issue_token(person, name)
            record("create", row, None, snapshot(row))
    click.echo(f"Created the API token “{name}” for {person.name} <{person.email}>. "
               "Copy it now: it will not be shown again.", err=True)
    click.echo(token)
