"""The JSON API under /api/v1: personal API tokens (``Authorization: Bearer …``), JSON errors.

Each area's endpoints live in their own module of this package and register on :data:`bp`; each
declares its access rule with ``@allow(…)`` like every page (:mod:`dualdash.shared.access`), and
the gate signs the request in from its token before the rule is applied."""
import datetime

from flask import Blueprint, after_this_request, current_app, g, jsonify, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed, default_exceptions

from dualdash.db import OPERATIONAL_ERRORS, RETRY_AFTER, DatabaseBusy, is_busy, utcnow, without_waiting
from dualdash.org.models import Person
from dualdash.shared.access import sign_in_with
from dualdash.web.models import ApiToken
from dualdash.web.tokens import hash_token

bp = Blueprint("api", __name__, url_prefix="/api/v1")

#: A token's last use is recorded at most this often, so that reading needs no write lock each time.
LAST_USED_EVERY = datetime.timedelta(minutes=1)


def error(status, message, headers=None, **extra):
    """A JSON error response: ``{"message": …}`` plus any details."""
    response = jsonify({"message": message, **extra})
    response.status_code = status
    response.headers.update(headers or {})
    return response


def unauthorized(message):
    return error(401, message, headers={"WWW-Authenticate": 'Bearer realm="dualdash"'})


def authenticate():
    """The owner of the request's bearer token, as ``(person, None)``; ``(None, why not)`` when the
    token is missing, unknown, revoked or its owner deactivated. Called for every API endpoint by the
    access gate (:mod:`dualdash.web.gate`), which then applies the endpoint's rule to this person."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None, "Send a personal API token: 'Authorization: Bearer <token>'."
    row = (ApiToken.select(ApiToken, Person).join(Person)
           .where((ApiToken.token_hash == hash_token(token.strip())) & ApiToken.revoked_at.is_null()
                  & (Person.active == True))  # noqa: E712
           .first())
    if row is None:
        return None, "This API token is unknown, revoked, or its owner is deactivated."
    if row.last_used_at is None or utcnow() - row.last_used_at >= LAST_USED_EVERY:
        token_id = row.id

        @after_this_request
        def _record_use(response):
            record_use(token_id)
            return response
    return row.person, None


def record_use(token_id):
    """Set a token's last use to now, once the request has done its work, unless it was set in the
    last minute. It never fails or holds up the request: a database busy with a writer skips it
    (the next request a minute on records it), as does any other database error."""
    now = utcnow()
    try:
        with without_waiting():
            ApiToken.update(last_used_at=now).where(
                (ApiToken.id == token_id)
                & (ApiToken.last_used_at.is_null() | (ApiToken.last_used_at <= now - LAST_USED_EVERY))).execute()
    except OPERATIONAL_ERRORS as exc:
        if not is_busy(exc):
            current_app.logger.warning("Could not record the use of API token %s: %s", token_id, exc)


def _json_error(exc):
    headers = {"Allow": ", ".join(exc.valid_methods)} if isinstance(exc, MethodNotAllowed) \
        and exc.valid_methods else None
    return error(exc.code or 500, exc.description or exc.name, headers=headers)


# By status code as well: the app's HTML error pages are registered by code, and Flask prefers a
# handler for the code over one for the class.
bp.register_error_handler(HTTPException, _json_error)
for _code in default_exceptions:
    bp.register_error_handler(_code, _json_error)


@bp.errorhandler(Exception)
def _json_failure(exc):
    if isinstance(exc, DatabaseBusy) or is_busy(exc):
        return error(503, "The database is busy with other changes; nothing was changed by this request. "
                          "Send it again in a moment.", headers={"Retry-After": str(RETRY_AFTER)})
    current_app.logger.exception("API request failed")
    return error(500, "The server failed to answer this request; nothing was changed by it.")


def _sign_in():
    """The gate's way into the API: the bearer token alone, never the session cookie."""
    person, problem = authenticate()
    if person is None:
        return None, unauthorized(problem)
    g.api_person = person
    return person, None


def init_app(app, csrf):
    """Register the API (its endpoints come from the modules below) without CSRF: tokens, not cookies."""
    from dualdash.api import endpoints  # noqa: F401 (registers the routes)
    csrf.exempt(bp)
    app.register_blueprint(bp)
    sign_in_with(app, bp.name, _sign_in)

    @app.before_request
    def _api_routing_error():
        # An unknown URL or a wrong method under /api/v1 matches no endpoint, so the blueprint's
        # handlers do not apply: answer in JSON here rather than with the HTML error page.
        exc = request.routing_exception
        if not isinstance(exc, HTTPException) or not _is_api_path(request.path):
            return None
        if isinstance(exc, MethodNotAllowed):
            allowed = [m for m in exc.valid_methods or () if m not in ("HEAD", "OPTIONS")]
            return error(405, f"{request.method} is not allowed here; use {' or '.join(allowed)}.",
                         headers={"Allow": ", ".join(exc.valid_methods or ())})
        if exc.code == 404:
            return error(404, f"The API has no {request.path}: the endpoints are listed in "
                              f"{bp.url_prefix}/openapi.json.")
        return None


def _is_api_path(path):
    return path == bp.url_prefix or path.startswith(bp.url_prefix + "/")
