"""Security headers on every response: pages, the API, static files and downloads.

The Content-Security-Policy allows nothing inline: no ``<script>``, no ``<style>`` element and no
``style=""`` attribute anywhere (the charts colour themselves with CSS classes and SVG presentation
attributes), so injected markup cannot run script or restyle a page. Nothing comes from another site.

Every response to a signed-in request, and every API response, also says ``Cache-Control: no-store``:
its pages and downloads name people and their results, and must not stay in a shared or browser cache
after sign-out. Static files and the public sign-in page may be cached as usual.
"""
from flask import request
from flask_login import current_user

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'",
])
#: What a response to a signed-in request (or the API) says about caching.
NO_STORE = "no-store"
#: Browsers keep to HTTPS for a year once they have seen this (only sent when ``HTTPS`` is on).
STRICT_TRANSPORT_SECURITY = "max-age=31536000"
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    # For browsers that do not know frame-ancestors.
    "X-Frame-Options": "DENY",
    # Links to other sites do not carry our URLs (they can name people and meetings).
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
}


def init_app(app):
    """Add the headers to every response the app gives."""
    @app.after_request
    def _security_headers(response):
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if app.config.get("HTTPS"):
            response.headers.setdefault("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY)
        if _private(request):
            response.headers["Cache-Control"] = NO_STORE
        return response


def _private(req):
    """True for a response that may hold a signed-in person's data: anything but static files,
    answered to a signed-in request or from the API (bearer tokens sign nobody into the session)."""
    if req.endpoint == "static" or (req.endpoint or "").endswith(".static"):
        return False
    if req.blueprint == "api" or req.path.startswith("/api/"):
        return True
    return bool(current_user and current_user.is_authenticated)
