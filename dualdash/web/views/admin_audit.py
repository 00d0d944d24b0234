"""Admin → Audit trail: who changed what and when, filtered, a page at a time, and downloads of the
filtered entries as CSV or JSON (streamed, so a long trail never sits in memory)."""
import csv
import io
import json

from flask import Blueprint, Response, abort, render_template, request, stream_with_context, url_for

from dualdash.db import utcnow
from dualdash.org.models import Person
from dualdash.shared.access import allow
from dualdash.shared.downloads import safe_cell
from dualdash.shared.paging import Page
from dualdash.web import audit_trail
from dualdash.web.forms.audit import AuditFilterForm

bp = Blueprint("admin_audit", __name__, url_prefix="/admin/audit")

PER_PAGE = 50


def _filters():
    """The filter form read from the query string, and the filters it gives."""
    form = AuditFilterForm(formdata=request.args)
    form.validate()
    return form, form.filters()


@bp.route("/")
@allow("admin")
def index():
    """Newest first; each entry with who, when, what, and the fields it changed (before → after)."""
    form, filters = _filters()
    page = Page(audit_trail.entries(filters), request.args.get("page"), PER_PAGE)
    shown = audit_trail.Shown(page.items)
    actor = Person.get_or_none(Person.id == filters.actor_id) if filters.actor_id is not None else None
    args = {k: v for k, v in request.args.items() if k != "page"}
    return render_template("web/admin/audit.html", form=form, page=page, shown=shown, filtered=filters.chosen(),
                           actor=actor, actions=audit_trail.ACTIONS, object_types=audit_trail.OBJECT_TYPES,
                           anyone_url=url_for(".index", **{k: v for k, v in args.items() if k != "actor"}),
                           csv_url=url_for(".export", fmt="csv", **args),
                           json_url=url_for(".export", fmt="json", **args)), 400 if form.errors else 200


@bp.route("/export.<any(csv, json):fmt>")
@allow("admin")
def export(fmt):
    """Every entry that matches the filters (not only one page), newest first."""
    form, filters = _filters()
    if form.errors:
        # A filter in error would be left out, and the download hold more than was asked for.
        abort(400, " ".join(f"{form[name].label.text}: {' '.join(errors)}" for name, errors in form.errors.items()))
    stamp = utcnow().strftime("%Y%m%d-%H%M%S")
    body = _csv_lines(filters) if fmt == "csv" else _json_chunks(filters)
    response = Response(stream_with_context(body),
                        mimetype="text/csv" if fmt == "csv" else "application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="dualdash-audit-{stamp}.{fmt}"'
    return response


def _csv_lines(filters):
    """The CSV download, a batch of entries at a time (UTF-8 with a byte-order mark, for Excel);
    ``before`` and ``after`` are the stored JSON texts."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(audit_trail.EXPORT_COLUMNS)
    yield "\ufeff" + _take(out)
    for batch in audit_trail.export_batches(filters):
        writer.writerows([safe_cell(value) for value in row] for row in batch)
        yield _take(out)


def _json_chunks(filters):
    """The JSON download: ``{"exported_at", "filters", "entries": [...]}``, written as it is read, each
    entry's ``before`` and ``after`` as objects (the stored JSON, inserted as it is)."""
    asked = {k: (v.isoformat() if hasattr(v, "isoformat") else v)
             for k, v in vars(filters).items() if v not in (None, "")}
    yield (f'{{"exported_at": {json.dumps(utcnow().isoformat())}, '
           f'"filters": {json.dumps(asked, sort_keys=True)}, "entries": [')
    encode = json.JSONEncoder(ensure_ascii=False).encode
    plain = audit_trail.EXPORT_COLUMNS[:-2]
    separator = "\n"
    for batch in audit_trail.export_batches(filters):
        parts = []
        for row in batch:
            # The plain fields as one object, then before and after spliced in as they are stored.
            head = encode(dict(zip(plain, row)))[:-1]
            parts.append(f'{separator}{head}, "before": {row[-2] or "null"}, "after": {row[-1] or "null"}}}')
            separator = ",\n"
        yield "".join(parts)
    yield "\n]}\n"


def _take(out):
    text = out.getvalue()
    out.seek(0)
    out.truncate()
    return text
