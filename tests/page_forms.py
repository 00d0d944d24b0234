"""Submitting a page's forms the way a browser does, for tests that act as a person would: type into
some fields, press one button, and send exactly what a browser sends (the fields of the button's
form, wherever they are on the page: inside the <form>, or tied to it by form="…")."""
from html.parser import HTMLParser

VOID = frozenset({"meta", "link", "input", "br", "img", "hr", "area", "base", "col", "embed", "source", "wbr"})


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms = {}       # key -> {"action", "method"}
        self.fields = []      # dicts: form, name, kind, value, checked, id, place, label
        self.buttons = []     # dicts: form, name, value, text, place
        self.labels = {}      # for-id -> text
        self.stack = []       # (tag, attrs)
        self._form = None
        self._count = 0
        self._text_of = None  # the element whose text is being collected

    def _place(self):
        """The id (or aria-labelledby) of the innermost element around here that has one."""
        for _, attrs in reversed(self.stack):
            if attrs.get("id") and attrs.get("id") not in ("main",):
                return attrs["id"]
            if attrs.get("aria-labelledby"):
                return attrs["aria-labelledby"]
        return None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._count += 1
            self._form = attrs.get("id") or f"#form{self._count}"
            self.forms[self._form] = {"action": attrs.get("action"), "method": attrs.get("method", "get")}
        owner = attrs.get("form") or self._form
        place = self._place()
        if tag == "input" and attrs.get("type") in ("submit", "image") or tag == "button" and attrs.get(
                "type", "submit") == "submit":
            self.buttons.append({"form": owner, "name": attrs.get("name"), "value": attrs.get("value", ""),
                                 "text": attrs.get("value", "") if tag == "input" else "", "place": place,
                                 "formaction": attrs.get("formaction")})
            if tag == "button":
                self._text_of = self.buttons[-1]
        elif tag in ("input", "textarea", "select"):
            kind = attrs.get("type", "text") if tag == "input" else tag
            field = {"form": owner, "name": attrs.get("name"), "kind": kind,
                     "value": attrs.get("value", ""), "checked": "checked" in attrs, "id": attrs.get("id"),
                     "place": place}
            self.fields.append(field)
            if tag in ("textarea", "select"):
                self._text_of = field
                field["value"] = "" if tag == "textarea" else None
        elif tag == "option":
            select = self.fields[-1]
            if select["value"] is None or "selected" in attrs:
                select["value"] = attrs.get("value", "")
        elif tag == "label":
            self._label = [attrs.get("for"), ""]
        if tag not in VOID:
            self.stack.append((tag, attrs))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        if tag == "label" and getattr(self, "_label", None):
            self.labels[self._label[0]] = " ".join(self._label[1].split())
            self._label = None
        if tag in ("button", "textarea"):
            self._text_of = None
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if getattr(self, "_label", None):
            self._label[1] += data
        if self._text_of is not None:
            key = "value" if self._text_of.get("kind") == "textarea" else "text"
            if key in self._text_of:
                self._text_of[key] += data if key == "value" else data.strip()


def parse(response):
    page = _Page()
    page.feed(response.get_data(as_text=True))
    for field in page.fields:
        field["label"] = page.labels.get(field["id"], "")
        if field["kind"] == "textarea":
            # HTML drops the first line break of a textarea's content.
            field["value"] = field["value"].removeprefix("\r\n") if field["value"].startswith("\r\n") \
                else field["value"].removeprefix("\n")
    return page


def field_named(page, label, place=None):
    """The field labelled ``label`` (its label's text starts so) in ``place`` (the id of the part of
    the page around it, e.g. ``item-3`` or ``shared-notes``)."""
    found = [f for f in page.fields if f["label"].startswith(label) and (place is None or f["place"] == place)]
    assert len(found) == 1, f"{len(found)} fields labelled {label!r} in {place!r}"
    return found[0]


def press(client, response, button, typed=None, place=None, tampered=None):
    """Type ``typed`` (``{(label, place): text}``; ``True``/``False`` ticks a checkbox, for a select
    its option's value) into the page of ``response``, then press the button whose text is
    ``button`` (in ``place``), and post what a browser would post. ``tampered`` (``{end of a field's
    name: value}``) changes hidden fields, as a hand-made request would."""
    page = parse(response)
    for suffix, value in (tampered or {}).items():
        for field in page.fields:
            if field["name"] and field["name"].endswith(suffix):
                field["value"] = value
    for (label, where), value in (typed or {}).items():
        field = field_named(page, label, where)
        if field["kind"] == "checkbox":
            field["checked"] = bool(value)
        else:
            field["value"] = value
    found = [b for b in page.buttons if b["text"] == button and (place is None or b["place"] == place)]
    assert len(found) == 1, f"{len(found)} buttons {button!r} in {place!r}"
    pressed = found[0]
    data = []
    for field in page.fields:
        if field["form"] != pressed["form"] or not field["name"]:
            continue
        if field["kind"] in ("checkbox", "radio"):
            if field["checked"]:
                data.append((field["name"], field["value"] or "on"))
        elif field["kind"] == "textarea":  # a browser sends a textarea's line breaks as CR LF
            data.append((field["name"], (field["value"] or "").replace("\r\n", "\n").replace("\n", "\r\n")))
        else:
            data.append((field["name"], field["value"] or ""))
    if pressed["name"]:
        data.append((pressed["name"], pressed["value"]))
    form = page.forms[pressed["form"]]
    from werkzeug.datastructures import MultiDict
    # A form without an action posts to the page's own address.
    query = response.request.query_string.decode()
    here = response.request.path + (f"?{query}" if query else "")
    return client.post(pressed["formaction"] or form["action"] or here, data=MultiDict(data))
