"""Uploads: the size limit (``MAX_CONTENT_LENGTH``) with a clear answer, and the check that an
uploaded CSV file is text.

A request larger than the limit is refused before anything reads it: a page in the site's layout
(or a JSON error under the API) says how large it may be. A file named .csv that is really a workbook,
an image or other binary data is refused by :class:`CsvText` with a message beside the file field;
a text file in the wrong encoding is left to the CSV reader, which names the line.
"""
from flask import abort, current_app, render_template, request
from werkzeug.datastructures import FileStorage
from wtforms.validators import StopValidation

#: How much of a file is looked at to tell text from binary data.
SNIFF_BYTES = 8192
#: Control characters that text files do contain: tab, line feed, vertical tab, form feed, carriage return.
TEXT_CONTROLS = {9, 10, 11, 12, 13}
SAVE_AS_CSV = "In Excel or another spreadsheet, use Save As → CSV UTF-8 and upload that file."
#: File signatures worth a message of their own.
SIGNATURES = (
    (b"PK\x03\x04", "This is a spreadsheet workbook or another zipped file, not a CSV file."),
    (b"\xd0\xcf\x11\xe0", "This is an old-style Excel workbook (.xls), not a CSV file."),
    (b"%PDF-", "This is a PDF document, not a CSV file."),
    (b"\xff\xfe", "This file is UTF-16 text (“Unicode Text”), not CSV UTF-8."),
    (b"\xfe\xff", "This file is UTF-16 text (“Unicode Text”), not CSV UTF-8."),
)


def init_app(app):
    """Refuse oversized requests early, with a page (or JSON error) that gives the limit in words."""
    app.before_request(_refuse_oversized_requests)
    app.register_error_handler(413, _too_large_page)


def size_in_words(size):
    """``16777216`` → ``"16 MB"``; ``1536`` → ``"1.5 KB"``; ``100`` → ``"100 bytes"``."""
    for unit, factor in (("GB", 1024 ** 3), ("MB", 1024 ** 2), ("KB", 1024)):
        if size >= factor:
            return f"{size / factor:.1f}".removesuffix(".0") + f" {unit}"
    return f"{size} bytes"


def too_large_message(api=False):
    """Why a request was refused for its size, with the limit in words."""
    limit = size_in_words(current_app.config["MAX_CONTENT_LENGTH"])
    if api:
        return (f"The request body is larger than the {limit} this site accepts; nothing was changed. "
                "Send fewer items per request.")
    return (f"The file you sent is larger than the {limit} this site accepts, so nothing was saved. "
            "Split it into smaller files and upload each, or ask an admin to raise the limit "
            "(the MAX_CONTENT_LENGTH setting).")


def _refuse_oversized_requests():
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if limit and request.content_length is not None and request.content_length > limit:
        abort(413, description=too_large_message(api=request.blueprint == "api"))


def _too_large_page(error):
    # Also reached when werkzeug finds the body too large while reading it (no declared length), or a
    # form with too many parts: then the size is not what went wrong.
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if limit and request.content_length is not None and request.content_length <= limit:
        return render_template("error.html", code=413, title="Form too large", description=(
            "This form sent more fields, or a longer field, than this site accepts at once, so nothing was "
            "saved. Go back and send less at a time.")), 413
    return render_template("error.html", code=413, title="File too large", description=too_large_message()), 413


def binary_problem(start):
    """Why the bytes ``start`` (the beginning of a file) are not a CSV text file, or None."""
    for signature, message in SIGNATURES:
        if start.startswith(signature):
            return f"{message} {SAVE_AS_CSV}"
    if any(byte < 32 and byte not in TEXT_CONTROLS for byte in start) or 127 in start:
        return f"This file is not text: it holds binary data, so it cannot be a CSV file. {SAVE_AS_CSV}"
    return None


class CsvText:
    """WTForms validator of a file field: the upload must be text, not binary data.

    Looks at the first bytes only and rewinds the file, so the import still reads all of it."""

    def __call__(self, form, field):
        upload = field.data
        if not isinstance(upload, FileStorage):
            return
        start = upload.stream.read(SNIFF_BYTES)
        upload.stream.seek(0)
        problem = binary_problem(start)
        if problem:
            raise StopValidation(problem)
