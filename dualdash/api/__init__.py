"""The JSON API under /api/v1: personal API tokens (``Authorization: Bearer …``), JSON errors.

Each area's endpoints live in their own module of this package and register on :data:`bp`."""
import hashlib
import secrets
from functools import wraps

from flask import Blueprint, g, jsonify, request
from werkzeug.exceptions import HTTPException

from ..models import ApiToken, Person, utcnow

bp = Blueprint("api", __name__, url_prefix="/api/v1")
TOKEN_PREFIX = "dd_"


def new_token():
    """A fresh token (shown to its owner once) and the hash that is stored."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    return token, hash_token(token)


def hash_token(token):
    """Tokens are long and random, so a plain SHA-256 is enough (no salt or slow hash needed)."""
    return hashlib.sha256(token.encode()).hexdigest()


def error(status, message, **extra):
    """A JSON error response: ``{"message": …}`` plus any details."""
    response = jsonify({"message": message, **extra})
    response.status_code = status
    return response


def token_required(view):
    """Signs the request in from its bearer token, as ``g.api_person``; 401 otherwise."""
    @wraps(view)
    def wrapped(*args, **kwargs):
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return error(401, "Send a personal API token: 'Authorization: Bearer <token>'.")
        row = (ApiToken.select(ApiToken, Person).join(Person)
               .where((ApiToken.token_hash == hash_token(token.strip())) & ApiToken.revoked_at.is_null()
                      & (Person.active == True))  # noqa: E712
               .first())
        if row is None:
            return error(401, "This API token is unknown, revoked, or its owner is deactivated.")
        ApiToken.update(last_used_at=utcnow()).where(ApiToken.id == row.id).execute()
        g.api_person = row.person
        return view(*args, **kwargs)
    return wrapped


@bp.errorhandler(HTTPException)
def _json_error(exc):
    return error(exc.code or 500, exc.description or exc.name)


@bp.errorhandler(Exception)
def _json_failure(exc):
    from flask import current_app
    current_app.logger.exception("API request failed")
    return error(500, "The server failed to answer this request; nothing was changed by it.")


def init_app(app, csrf):
    """Register the API (its endpoints come from the modules below) without CSRF: tokens, not cookies."""
    from . import endpoints  # noqa: F401 (registers the routes)
    csrf.exempt(bp)
    app.register_blueprint(bp)
