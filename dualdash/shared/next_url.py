"""Where a page may send someone next (``?next=`` after signing in or saving a form): only a path on this
site, never another site however the address is encoded."""
import re
from urllib.parse import unquote, urlsplit

from flask import url_for

#: Control characters, which browsers drop from a URL ("/\t/evil.example" becomes "//evil.example"),
#: and a backslash in the path, which browsers read as a slash ("/\\evil.example").
_UNSAFE = re.compile(r"[\x00-\x1f\x7f]|^[^?#]*\\")


def is_safe_next(target):
    """True when ``target`` is a path on this site: "/people/", not "//evil.example",
    "https://evil.example", "/\\evil.example" or "javascript:…", however they are encoded."""
    if not target:
        return False
    decoded = target
    # Browsers and servers may decode more than once: every decoding must be a plain local path.
    for _ in range(3):
        if not decoded.startswith("/") or decoded.startswith("//") or _UNSAFE.search(decoded):
            return False
        parts = urlsplit(decoded)
        if parts.scheme or parts.netloc:
            return False
        decoded, before = unquote(decoded), decoded
        if decoded == before:
            return True
    return False


def safe_next(target):
    """Only a path on this site may follow a sign-in (or a form's ``next``); anything else goes home."""
    return target if is_safe_next(target) else url_for("home.index")
