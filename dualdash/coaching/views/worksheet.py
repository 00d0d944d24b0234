"""The printable 1:1 worksheet, as a page to print and as a PDF of the same page.

``?paper=letter`` prints on US Letter (A4 otherwise), ``?format=pdf`` downloads the PDF, and on a
meeting's worksheet ``?private=1`` adds the viewer's own private note — only ever their own, and
never for the report, whatever they ask."""
import re
import time

from flask import Blueprint, Response, current_app, g, render_template, request
from flask_login import current_user

from dualdash.coaching import access as meeting_access
from dualdash.coaching import pdf, worksheets
from dualdash.kpis.views.scorecard_pages import band_class, band_label, format_value
from dualdash.org import access
from dualdash.shared.access import allow

bp = Blueprint("worksheet", __name__)
PAPERS = ("a4", "letter")


@bp.route("/meetings/<int:meeting_id>/worksheet")
@allow("view_meeting")
def meeting(meeting_id):
    """The worksheet of a 1:1: anyone who may see the meeting prints its shared part."""
    found = g.meeting
    note, may_add_note = _private_note(found)
    # The meeting's shared part, for whoever sees the meeting; the report's numbers only for whoever
    # may see the report now (as on the 1:1 page).
    sheet = worksheets.for_meeting(found, private_note=note, may_see_report=access.can_view_person)
    back = (f"{request.script_root}/meetings/{found.id}", "Back to the 1:1")
    return _respond(sheet, back, may_add_note, f"{sheet.date.isoformat()}")


@bp.route("/people/<int:person_id>/worksheet")
@allow("manage_person")
def blank(person_id):
    """A worksheet for a report ahead of a 1:1 that is not scheduled yet (dated today)."""
    person = g.person
    sheet = worksheets.blank(person.id, current_user)
    back = (f"{request.script_root}/people/{person.id}", f"Back to {person.name}")
    return _respond(sheet, back, False, f"{sheet.date.isoformat()}-blank")


def _private_note(meeting):
    """(the note's text or None, whether the viewer could add their note to this print).

    Only on ``?private=1``, only the viewer's own note, never the report's."""
    note = meeting_access.own_private_notes([meeting.id], meeting.report_id).get(meeting.id)
    if note is None:
        return None, False
    return (note.text if request.args.get("private") == "1" else None), True


def _respond(sheet, back, may_add_note, file_part):
    paper = request.args.get("paper", "a4").lower()
    paper = paper if paper in PAPERS else "a4"
    wants_pdf = request.args.get("format") == "pdf"
    html = render_template(
        "coaching/worksheet/sheet.html", sheet=sheet, paper=paper, back=back, for_pdf=wants_pdf,
        may_add_note=may_add_note, private=sheet.private_note is not None,
        links=_links(paper, sheet.private_note is not None),
        fmt=format_value, band_label=band_label, band_class=band_class)
    if not wants_pdf:
        return html
    started = time.perf_counter()
    body = pdf.render(html, request.url_root)
    current_app.logger.info("worksheet PDF: %d bytes in %.2fs", len(body), time.perf_counter() - started)
    name = f"worksheet-{_slug(sheet.person.name)}-{file_part}.pdf"
    return Response(body, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _links(paper, private):
    """The screen view's links: the other paper size, the PDF, and with or without the private note."""
    def url(**changes):
        args = {"paper": paper, "private": "1" if private else None, **changes}
        query = "&".join(f"{k}={v}" for k, v in args.items() if v and not (k == "paper" and v == "a4"))
        return request.path + ("?" + query if query else "")
    return {"a4": url(paper="a4"), "letter": url(paper="letter"), "pdf": url(format="pdf"),
            "with_note": url(private="1"), "without_note": url(private=None)}


def _slug(text):
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "person"
