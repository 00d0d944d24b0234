"""File downloads of what a page shows."""
import csv
import io
import re

from flask import Response


def csv_download(lines, name):
    """A CSV download (UTF-8 with a byte-order mark, so that Excel reads accents)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for line in lines:
        writer.writerow([safe_cell(c) for c in line])
    response = Response("\ufeff" + out.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


def safe_cell(value):
    """Text that a spreadsheet would run as a formula is quoted with an apostrophe (numbers are left)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r") \
            and not re.fullmatch(r"-?\d+(\.\d+)?", value):
        return "'" + value
    return value
