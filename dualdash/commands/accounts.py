"""``dualdash create-user``."""
import click
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask.cli import with_appcontext

from dualdash.db import ensure_schema, get_db, write_transaction
from dualdash.org.audit import record, snapshot
from dualdash.org.models import Person
from dualdash.org.passwords import hash_password, length_problem


@click.command("create-user")
@click.argument("email")
@click.option("--password", help="The password (asked for when left out).")
@click.option("--admin", is_flag=True, help="Make the person an admin.")
@click.option("--name", help="Display name for a new person (default: from the email).")
@with_appcontext
def create_user_command(email, password, admin, name):
    """Give EMAIL a sign-in: set the password of an existing person, or create the person."""
    try:
        email = validate_email(email, check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise click.BadParameter(str(exc), param_hint="EMAIL") from None
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    problem = length_problem(password)
    if problem:
        raise click.BadParameter(problem[0].lower() + problem[1:], param_hint="--password")
    # On a new install this is often the first command run: create the database then.
    ensure_schema(current_app)
    db = get_db()
    with db.connection_context(), write_transaction(db):
        person = Person.get_or_none(Person.email == email)
        if person is None:
            person = Person.create(email=email, name=name or _name_from_email(email),
                                   password_hash=hash_password(password), is_admin=admin)
            record("create", person, None, {**snapshot(person), "password": "set"})
            click.echo(f"Created {person.name} <{email}>{' (admin)' if admin else ''}.")
        else:
            before = snapshot(person)
            person.password_hash = hash_password(password)
            person.is_admin = person.is_admin or admin
            if name:
                person.name = name
            person.save()
            record("password", person, before, {**snapshot(person), "password": "changed"})
            click.echo(f"Set the password of {person.name} <{email}>{' (admin)' if person.is_admin else ''}.")
            if not person.active:
                click.echo("Note: this person is deactivated and cannot sign in until reactivated.")


def _name_from_email(email):
    local = email.split("@", 1)[0]
    return " ".join(part.capitalize() for part in local.replace("_", ".").replace("-", ".").split(".") if part)
