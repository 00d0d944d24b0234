"""The application shell: signing in (sessions, remember-me, throttling, API tokens), the access gate,
CSRF, security headers, proxy handling, and the shell's own pages (home, dashboard, profile, audit
trail, settings, the plugin framework). The shell may use every domain; no domain uses the shell."""


def init_app(app):
    """Install the shell around the domains' pages: headers, proxy, gate, CSRF, sign-in and its pages.

    The gate is installed before CSRFProtect, so a request is refused before its form is looked at.
    Returns the :class:`flask_wtf.csrf.CSRFProtect`, for the API to be exempted from it."""
    from dualdash.shared import uploads
    from dualdash.web import auth, csrf, gate, https_proxy, security_headers, views
    https_proxy.init_app(app)
    security_headers.init_app(app)
    uploads.init_app(app)
    gate.init_app(app)
    csrf_protect = csrf.init_app(app)
    auth.init_app(app)
    views.init_app(app)
    return csrf_protect
