"""Passwords: hashing with the configured method, and the minimum length wherever one is set."""
from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash
from wtforms.validators import ValidationError

#: The shortest password accepted when none is configured (setting ``PASSWORD_MIN_LENGTH``).
DEFAULT_MIN_LENGTH = 12


def hash_password(password, method=None):
    """Hash ``password`` with the configured method (scrypt unless set otherwise)."""
    if method is None:
        method = current_app.config["PASSWORD_HASH_METHOD"]
    return generate_password_hash(password, method=method)


def check_password(person, password):
    """True when ``password`` is ``person``'s. A person with no password never matches."""
    return bool(person.password_hash) and check_password_hash(person.password_hash, password)


def min_length():
    """The shortest password this install accepts (``PASSWORD_MIN_LENGTH``)."""
    return int(current_app.config.get("PASSWORD_MIN_LENGTH", DEFAULT_MIN_LENGTH))


def length_problem(password):
    """Why ``password`` is too short to set, or None when it is long enough."""
    shortest = min_length()
    if len(password) < shortest:
        return f"Use at least {shortest} characters."
    return None


class LongEnough:
    """WTForms validator for a new password: at least ``PASSWORD_MIN_LENGTH`` characters.

    Read when the form is checked, not when the form class is defined, so that the setting of the
    running app applies. An empty field is left to ``Optional``/``DataRequired``."""

    field_flags = {}

    def __call__(self, form, field):
        if field.data:
            problem = length_problem(field.data)
            if problem:
                raise ValidationError(problem)
