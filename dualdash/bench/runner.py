"""Measuring the pages: server time over R requests, SQL queries per request, the floor timed in the
same loop, and the peak memory of one request.

Time is measured around the WSGI app itself (from the call until the body is complete), so it is
the server's time, not the test client's. Each request is followed by one run of its floor, so the
two see the same machine load. Queries are counted on a warm-up request; memory is measured in a
separate pass with :mod:`tracemalloc` (which slows Python down), never while timing."""
import gc
import math
import re
import statistics
import time
import tracemalloc
from dataclasses import dataclass, field
from typing import Optional

from dualdash.bench.pages import TOKEN_NAME, BenchError
from dualdash.db import get_db

MB = 1024 * 1024


@dataclass
class PageResult:
    """What was measured for one page (times in seconds, memory in bytes)."""

    key: str
    title: str
    url: str
    queries: int
    times: list = field(default_factory=list)
    floor_times: list = field(default_factory=list)
    peak_bytes: Optional[int] = None
    target_ms: Optional[float] = None
    max_ratio: Optional[float] = None

    @property
    def median_ms(self):
        return statistics.median(self.times) * 1000

    @property
    def p95_ms(self):
        return percentile(self.times, 95) * 1000

    @property
    def floor_ms(self):
        return statistics.median(self.floor_times) * 1000 if self.floor_times else None

    @property
    def ratio(self):
        floor = self.floor_ms
        return self.median_ms / floor if floor else None

    @property
    def peak_mb(self):
        return None if self.peak_bytes is None else self.peak_bytes / MB

    @property
    def over(self):
        """The targets this page misses: a list of short phrases (empty: every target is met)."""
        missed = []
        if self.target_ms is not None and self.median_ms > self.target_ms:
            missed.append(f"time > {self.target_ms:g} ms")
        if self.max_ratio is not None and self.ratio is not None and self.ratio > self.max_ratio:
            missed.append(f"ratio > {self.max_ratio:g}×")
        if self.peak_mb is not None and self.peak_mb >= MEMORY_LIMIT_MB:
            missed.append(f"memory ≥ {MEMORY_LIMIT_MB} MB")
        return missed


#: A request must stay under this much memory at its peak.
MEMORY_LIMIT_MB = 100


def percentile(values, pct):
    """The nearest-rank percentile of ``values``."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


class ServerTimer:
    """WSGI middleware that remembers how long the last request took inside the app."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app
        self.last = None

    def __call__(self, environ, start_response):
        started = time.perf_counter()
        body = self.wsgi_app(environ, start_response)
        try:
            chunks = list(body)
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()
        self.last = time.perf_counter() - started
        return chunks


class QueryCounter:
    """Counts the SQL statements the app's database runs while switched on."""

    def __init__(self, db):
        self.db = db
        self.count = 0

    def __enter__(self):
        self.patched_before = "execute_sql" in vars(self.db)
        original = self.original = self.db.execute_sql

        def counting(sql, *args, **kwargs):
            self.count += 1
            return original(sql, *args, **kwargs)
        self.count = 0
        self.db.execute_sql = counting
        return self

    def __exit__(self, *exc):
        if self.patched_before:
            self.db.execute_sql = self.original
        else:
            del self.db.execute_sql  # back to the class's method


_CSRF_INPUT = re.compile(r'<input[^>]*name="csrf_token"[^>]*>')
_VALUE = re.compile(r'value="([^"]*)"')


def sign_in(app, email, password):
    """A test client signed in as ``email`` through the real sign-in form (CSRF token included)."""
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    found = _CSRF_INPUT.search(page)
    token = _VALUE.search(found.group(0)).group(1) if found else ""
    response = client.post("/login", data={"email": email, "password": password, "csrf_token": token})
    if response.status_code != 302:
        raise BenchError(f"Could not sign in as {email} (status {response.status_code}): the benchmark signs in "
                         "with the demo password.")
    return client


def issue_token(app, person_id):
    """A fresh API token for ``person_id`` (the benchmark's previous ones are deleted first)."""
    from dualdash.org.models import Person
    from dualdash.web.models import ApiToken
    from dualdash.web.tokens import issue_token as issue
    db = get_db(app)
    with app.app_context(), db.connection_context():
        ApiToken.delete().where((ApiToken.person == person_id) & (ApiToken.name == TOKEN_NAME)).execute()
        return issue(Person.get_by_id(person_id), TOKEN_NAME)[1]


def measure_pages(app, raw, subjects, pages, requests, progress=None):
    """A :class:`PageResult` for each of ``pages``, measured over ``requests`` requests."""
    timer = app.wsgi_app = ServerTimer(app.wsgi_app)
    clients = {who: sign_in(app, subjects.emails[who], subjects.password) for who in ("admin", "manager")}
    headers = {"Authorization": f"Bearer {subjects.token}"}
    db = get_db(app)
    results = []
    try:
        for page in pages:
            url = page.url(subjects)
            client = clients["manager" if page.who == "api" else page.who]
            extra = headers if page.who == "api" else {}
            if progress:
                progress(f"{page.title}: {url}")
            with QueryCounter(db) as counter:
                response = client.get(url, headers=extra)
            if response.status_code != page.status:
                raise BenchError(f"{page.title}: {url} answered {response.status_code}, not {page.status}.")
            result = PageResult(page.key, page.title, url, counter.count, target_ms=page.target_ms,
                                max_ratio=page.max_ratio if page.floor else None)
            if page.floor:
                page.floor(raw, subjects)  # warm-up, like the page's first request
            gc.collect()
            for _ in range(requests):
                client.get(url, headers=extra)
                result.times.append(timer.last)
                if page.floor:
                    started = time.perf_counter()
                    page.floor(raw, subjects)
                    result.floor_times.append(time.perf_counter() - started)
            results.append(result)
        _measure_memory(pages, results, subjects, clients, headers)
    finally:
        app.wsgi_app = timer.wsgi_app
    return results


def _measure_memory(pages, results, subjects, clients, headers):
    """The peak of memory allocated by Python during one request of each page (a separate pass)."""
    gc.collect()
    tracemalloc.start()
    try:
        for page, result in zip(pages, results):
            client = clients["manager" if page.who == "api" else page.who]
            extra = headers if page.who == "api" else {}
            tracemalloc.reset_peak()
            before = tracemalloc.get_traced_memory()[0]
            client.get(result.url, headers=extra)
            result.peak_bytes = max(0, tracemalloc.get_traced_memory()[1] - before)
    finally:
        tracemalloc.stop()
