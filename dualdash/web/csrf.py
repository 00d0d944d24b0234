"""CSRF protection of every form (Flask-WTF), and the page shown when a form comes without its token.

Every POST to a page needs the form's token; the JSON API is exempt because it signs in with bearer
tokens only, never with the session cookie (see :mod:`dualdash.api`)."""
from flask import render_template, request
from flask_wtf.csrf import CSRFError, CSRFProtect

#: Shown instead of Flask-WTF's terse reason ("The CSRF token is missing.").
MESSAGE = ("This form was not accepted: it has expired, or it was not sent from a Dual Dash page. "
           "Nothing was changed. Go back, reload the page and try again.")


def init_app(app):
    """Protect every form of ``app``; returns the :class:`CSRFProtect` (to exempt the API)."""
    protect = CSRFProtect(app)

    @app.errorhandler(CSRFError)
    def _refused(error):
        # The reason (missing, expired, wrong token) stays in the log, not on the page.
        app.logger.info("A form posted to %s was refused: %s", request.path, error.description)
        return render_template("error.html", code=400, title="Form not accepted", description=MESSAGE), 400

    return protect
