"""Running behind HTTPS and a reverse proxy.

- ``HTTPS`` (off by default): the site is reached over HTTPS. Cookies (session and remember-me) are
  then sent over HTTPS only, links built outside a request use https, and browsers are told to keep
  to HTTPS (Strict-Transport-Security, see :mod:`dualdash.security_headers`).
- ``TRUSTED_PROXIES`` (0 by default): how many reverse proxies stand in front of the app. Only then
  are their ``X-Forwarded-For/-Proto/-Host/-Port/-Prefix`` headers believed (werkzeug's ProxyFix);
  otherwise anyone could claim another client address (and so dodge log-in throttling) by sending
  the header themselves.
"""
from werkzeug.middleware.proxy_fix import ProxyFix


def init_app(app):
    """Apply the HTTPS and proxy settings to the app."""
    if app.config.get("HTTPS"):
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True
        app.config["PREFERRED_URL_SCHEME"] = "https"
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies,
                                x_port=proxies, x_prefix=proxies)
