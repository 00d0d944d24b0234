"""The access gate: the one check every request goes through before its view runs.

It applies the rule the view declared (:mod:`dualdash.shared.access`, where the rules are named and
registered by the domain packages and plugins): signs the viewer in, loads and checks the objects the
rule names, and puts them on :data:`flask.g`. It fails closed: an endpoint without a rule answers 403."""
from flask import abort, current_app, g, request
from flask_login import current_user

from dualdash.shared.access import RULES, authenticator_for, declaration_of
from dualdash.web.auth import login_manager


def init_app(app):
    """Install :func:`gate`. Call it after the database hook and before CSRFProtect, so that a
    request is refused before its form is even looked at."""
    app.before_request(gate)


def gate():
    """Decide whether this request may reach its view, once, for every page and API endpoint."""
    if request.url_rule is None:
        return None  # no route matched: Flask answers 404 or 405 itself
    endpoint = request.endpoint
    declaration = declaration_of(current_app, endpoint)
    if declaration is None:
        current_app.logger.error("refused %s %s: %s declares no access rule", request.method, request.path,
                                 endpoint)
        abort(403, "This page does not say who may see it, so nobody may.")
    rule = RULES[declaration.rule_for(request.method)]
    viewer = None
    if rule.who != "anyone":
        viewer, refusal = _sign_in(endpoint)
        if viewer is None:
            return refusal
        if rule.who == "admin" and not viewer.is_admin:
            abort(403, rule.denied)
        if rule.check is not None and not rule.check(viewer):
            abort(403, rule.denied)
    loaded = {}
    for need in rule.needs:
        value = request.args.get(need.arg) if need.query else (request.view_args or {}).get(need.arg)
        if need.query and value in (None, ""):
            loaded[need.name] = None
            continue
        found = need.load(value, viewer, loaded)
        if found is None:
            abort(404, need.missing.format(value=value, **loaded) if need.missing else None)
        if need.check is not None and not need.check(found, viewer, loaded):
            message = need.denied or rule.denied
            abort(403, message.format(value=value, **loaded, **{need.name: found}) if message else None)
        loaded[need.name] = found
    for name, found in loaded.items():
        setattr(g, name, found)
    return None


def _sign_in(endpoint):
    """``(viewer, None)``, or ``(None, the response to send)`` when nobody is signed in: pages go to
    the sign-in page; a blueprint that registered its own way of signing in (the API's bearer
    tokens, :func:`dualdash.shared.access.sign_in_with`) is signed in by that alone."""
    authenticate = authenticator_for(current_app, endpoint)
    if authenticate is not None:
        return authenticate()
    if current_user.is_authenticated:
        return current_user._get_current_object(), None
    return None, login_manager.unauthorized()
