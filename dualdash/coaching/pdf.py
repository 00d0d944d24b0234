"""HTML to PDF with WeasyPrint, fetching nothing from the network.

WeasyPrint would otherwise follow any URL in the page (a plugin's section could hold an
``<img src="https://…">``); the fetcher here serves the app's own static files from the package's
static folder and refuses everything else."""
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import current_app


def render(html, base_url):
    """The PDF (bytes) of ``html``; relative links resolve against ``base_url`` (the request's root)."""
    # Imported here: WeasyPrint loads pango at import time, which only PDF downloads need.
    from weasyprint import HTML
    fetcher = static_fetcher(current_app.static_folder, current_app.static_url_path, base_url)
    return HTML(string=html, base_url=base_url, url_fetcher=fetcher).write_pdf()


def static_fetcher(folder, url_path, base_url):
    """A WeasyPrint URL fetcher serving files under ``folder`` for URLs ``<base_url>/<url_path>/…``."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    root = Path(folder).resolve()
    base = urlsplit(base_url)
    prefix = (base.path.rstrip("/") + "/" + url_path.strip("/") + "/").replace("//", "/")

    class StaticOnly(URLFetcher):
        def __init__(self):
            super().__init__(allowed_protocols=())

        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            if (parts.scheme, parts.netloc) != (base.scheme, base.netloc) or not parts.path.startswith(prefix):
                raise ValueError(f"not fetched (only the app's static files are): {url}")
            path = (root / unquote(parts.path[len(prefix):])).resolve()
            if not path.is_file() or not path.is_relative_to(root):
                raise ValueError(f"no such static file: {url}")
            mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime})

    return StaticOnly()
