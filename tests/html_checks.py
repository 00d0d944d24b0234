"""HTML checks shared by the page tests (until a full validator runs in CI)."""
from html.parser import HTMLParser


class Balanced(HTMLParser):
    """A small well-formedness check: every element closed in order, unique ids, a label for every
    input, no inline style or script."""

    VOID = frozenset({"meta", "link", "input", "br", "img", "hr"})

    def __init__(self):
        super().__init__()
        self.stack, self.ids, self.labelled, self.inputs, self.problems = [], set(), set(), [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "style" in attrs or tag == "style" or (tag == "script" and not attrs.get("src")):
            self.problems.append(f"inline style or script in <{tag}>")
        if attrs.get("id"):
            if attrs["id"] in self.ids:
                self.problems.append(f"duplicate id {attrs['id']}")
            self.ids.add(attrs["id"])
        if tag == "label" and attrs.get("for"):
            self.labelled.add(attrs["for"])
        if tag in ("input", "select", "textarea") and attrs.get("type") not in ("hidden", "submit"):
            self.inputs.append(attrs.get("id"))
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
        else:
            self.stack.pop()


def assert_valid_html(response):
    checker = Balanced()
    checker.feed(response.get_data(as_text=True))
    unlabelled = [i for i in checker.inputs if i is None or i not in checker.labelled]
    assert not checker.problems and not checker.stack and not unlabelled, (
        checker.problems, checker.stack, unlabelled)
