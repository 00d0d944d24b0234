"""The benchmark's results: a table a person reads, and the same figures as JSON."""
import os
import platform
import sqlite3

from dualdash.bench.runner import MEMORY_LIMIT_MB

#: The import must write at least this many rows per second.
IMPORT_TARGET = 50_000

COLUMNS = [("page", "<"), ("median ms", ">"), ("p95 ms", ">"), ("queries", ">"), ("floor ms", ">"),
           ("ratio", ">"), ("peak MB", ">"), ("target", "<"), ("result", "<")]


def machine(raw=None):
    """The machine and software the figures were taken on."""
    info = {"cpus": os.cpu_count(), "cpu": _cpu_model(), "ram_gb": _ram_gb(),
            "python": platform.python_version(), "sqlite": sqlite3.sqlite_version, "platform": platform.platform()}
    if raw is not None and raw.postgres:
        info["postgresql"] = raw.rows("SHOW server_version")[0][0]
    return info


def _cpu_model():
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or None


def _ram_gb():
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemTotal:"):
                    return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def _number(value, digits=1):
    return "—" if value is None else f"{value:,.{digits}f}"


def target_text(result):
    parts = []
    if result.target_ms is not None:
        parts.append(f"≤ {result.target_ms:g} ms")
    if result.max_ratio is not None:
        parts.append(f"≤ {result.max_ratio:g}×")
    return ", ".join(parts) or "—"


def result_text(result):
    return "ok" if not result.over else "over: " + ", ".join(result.over)


def why_over(results):
    """``{page key: sentence}``: why each page over its ratio target is over, from the run's own figures.

    A page's floor is only its SQL; every signed-in request also pays the fixed cost (the session, the
    gate, the viewer) before any work, so a floor under that cost divided by the ratio cannot be met."""
    fixed = next((r.median_ms for r in results if r.key == "fixed_cost"), None)
    reasons = {}
    for r in results:
        if r.ratio is None or r.max_ratio is None or r.ratio <= r.max_ratio or r.floor_ms is None:
            continue
        allowed = r.floor_ms * r.max_ratio
        if fixed is not None and allowed <= fixed:
            reasons[r.key] = (f"{r.max_ratio:g}× its floor is {allowed:.2f} ms, less than any signed-in request "
                              f"costs before doing anything ({fixed:.2f} ms)")
        else:
            reasons[r.key] = (f"{r.median_ms - r.floor_ms:.1f} ms beyond reading its rows: judging each value "
                              f"against its benchmark line through the band-rule hook, charts and the page itself "
                              f"(profiled in docs/performance.md)")
    return reasons


def table(results, import_result=None, heading=""):
    """The results as aligned text."""
    lines = [[r.title, _number(r.median_ms), _number(r.p95_ms), str(r.queries), _number(r.floor_ms, 2),
              "—" if r.ratio is None else f"{r.ratio:.1f}×", _number(r.peak_mb), target_text(r), result_text(r)]
             for r in results]
    header = [name for name, _ in COLUMNS]
    widths = [max(len(row[i]) for row in lines + [header]) for i in range(len(COLUMNS))]

    def fmt(row):
        return "  ".join(f"{cell:{align}{width}}" for cell, (_, align), width in zip(row, COLUMNS, widths)).rstrip()
    out = [heading] if heading else []
    out += [fmt(header), fmt(["-" * w for w in widths])] + [fmt(row) for row in lines]
    out.append(f"Every page: median over the requests, server time; floor: the same rows by raw SQL; "
               f"peak: memory allocated during one request (limit {MEMORY_LIMIT_MB} MB).")
    reasons = why_over(results)
    if reasons:
        out.append("Why a page is over its ratio:")
        out += [f"  {r.title}: {reasons[r.key]}." for r in results if r.key in reasons]
    if import_result is not None:
        rate = import_result.rate
        verdict = "ok" if rate and rate >= IMPORT_TARGET else f"over: < {IMPORT_TARGET:,} rows/s"
        out.append(f"CSV import: {import_result.rows:,} rows in {import_result.seconds:.1f} s = "
                   f"{_number(rate, 0)} rows/s (target ≥ {IMPORT_TARGET:,}: {verdict}); peak memory "
                   f"{_number(None if import_result.peak_bytes is None else import_result.peak_bytes / 2**20)} MB; "
                   f"{import_result.summary}.")
    return "\n".join(out)


def as_json(results, import_result, organization, database, machine_info, requests):
    """The figures as a JSON-ready dict."""
    return {
        "organization": organization,
        "database": database,
        "machine": machine_info,
        "requests": requests,
        "pages": [{"key": r.key, "title": r.title, "url": r.url, "median_ms": r.median_ms, "p95_ms": r.p95_ms,
                   "queries": r.queries, "floor_ms": r.floor_ms, "ratio": r.ratio, "peak_mb": r.peak_mb,
                   "target_ms": r.target_ms, "max_ratio": r.max_ratio, "ok": not r.over, "over": r.over,
                   "why": why_over(results).get(r.key)}
                  for r in results],
        "import": None if import_result is None else {
            "rows": import_result.rows, "seconds": import_result.seconds, "rows_per_second": import_result.rate,
            "peak_mb": None if import_result.peak_bytes is None else import_result.peak_bytes / 2**20,
            "target_rows_per_second": IMPORT_TARGET,
            "ok": bool(import_result.rate and import_result.rate >= IMPORT_TARGET),
            "summary": import_result.summary},
    }
