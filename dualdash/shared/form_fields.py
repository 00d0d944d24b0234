"""Small pieces every domain's forms share: text clean-up, select options and their values, name clashes."""

try:
    from wtforms import SelectChoice
except ImportError:  # WTForms < 3.3 takes plain tuples
    SelectChoice = None

NAME_MAX = 200


def strip(value):
    """Drop surrounding spaces, so " Sales " and "Sales" are the same name."""
    return value.strip() if isinstance(value, str) else value


def optional_id(value):
    """Coerce a select's value: "" means none, anything else is an id."""
    if value is None or value == "":
        return None
    return int(value)


def choice(value, label, **render_kw):
    """One option of a select, in the form the installed WTForms expects."""
    if SelectChoice is not None:
        return SelectChoice(value=value, label=label, render_kw=render_kw)
    return (value, label, render_kw)


def name_taken(name, others):
    """The first of ``others`` (objects with ``name``) that has ``name`` in any letter case.

    Compared in Python with casefold(): SQLite's LOWER() leaves non-ASCII letters alone."""
    wanted = name.casefold()
    return next((o for o in others if o.name.casefold() == wanted), None)
