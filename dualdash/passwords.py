"""Password hashing, with the method chosen by configuration."""
from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

MIN_LENGTH = 8


def hash_password(password, method=None):
    """Hash ``password`` with the configured method (scrypt unless set otherwise)."""
    if method is None:
        method = current_app.config["PASSWORD_HASH_METHOD"]
    return generate_password_hash(password, method=method)


def check_password(person, password):
    """True when ``password`` is ``person``'s. A person with no password never matches."""
    return bool(person.password_hash) and check_password_hash(person.password_hash, password)
