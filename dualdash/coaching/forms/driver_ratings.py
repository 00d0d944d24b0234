"""The driver rating form: for each driver that applies to the person, a select of the driver's own
scale (or "not rated this time") and a comment.

The fields are built from the drivers the plugins define, so the form class is made per request:
``score_<key>`` and ``comment_<key>``. Scores and keys are checked by
:func:`dualdash.driver_ratings.validate`, which also catches fields for drivers the form does not
show (a forged or stale post)."""
from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField
from wtforms.validators import Length

from dualdash.coaching.driver_ratings import COMMENT_MAX, Entry
from dualdash.shared.form_fields import choice

NOT_RATED = "— not rated this time —"
SCORE_PREFIX, COMMENT_PREFIX = "score_", "comment_"


class DriverRatingForm(FlaskForm):
    """Built by :func:`rating_form`; ``drivers`` are the drivers it shows, in order."""

    drivers = ()
    #: Problems that belong to no field shown (e.g. a driver the form does not offer).
    general_errors = ()

    def rows(self):
        """``(driver, score field, comment field)`` for each driver, in order."""
        return [(d, self[SCORE_PREFIX + d.key], self[COMMENT_PREFIX + d.key]) for d in self.drivers]

    def entries(self):
        """An :class:`Entry` for each driver given a score (the score as an int when it is one)."""
        found = []
        for driver, score, comment in self.rows():
            if score.data in (None, ""):
                continue
            found.append(Entry(driver.key, _int(score.data), comment.data or ""))
        return found

    def stray_keys(self, formdata):
        """Driver keys posted that this form does not show (unknown, or not for this person)."""
        shown = {d.key for d in self.drivers}
        keys = []
        for name in formdata:
            for prefix in (SCORE_PREFIX, COMMENT_PREFIX):
                if name.startswith(prefix) and name[len(prefix):] not in shown:
                    key = name[len(prefix):]
                    if key not in keys and (prefix == COMMENT_PREFIX or formdata.get(name)):
                        keys.append(key)
        return keys

    def add_errors(self, errors):
        """Put ``{driver key or GENERAL: message}`` beside the fields; the rest become general errors."""
        general = []
        for key, message in errors.items():
            name = SCORE_PREFIX + key
            if name in self._fields:
                self[name].errors = list(self[name].errors) + [message]
            else:
                general.append(message)
        self.general_errors = general

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        for driver, score, comment in self.rows():
            if comment.data and comment.data.strip() and score.data in (None, ""):
                score.errors = list(score.errors) + [
                    f"Choose a rating for {driver.name} to go with the comment (or clear the comment)."]
                ok = False
        return ok


def rating_form(drivers, **kwargs):
    """A :class:`DriverRatingForm` for ``drivers`` (request data is read as FlaskForm does)."""
    attrs = {"drivers": tuple(drivers)}
    for d in drivers:
        options = [choice("", NOT_RATED)] + [choice(str(p.value), f"{p.value} — {p.label}") for p in d.scale]
        # validate_choice is off so that a score off the scale gets the core's message, not WTForms'.
        attrs[SCORE_PREFIX + d.key] = SelectField(f"{d.name}: rating", choices=options, validate_choice=False,
                                                  default="")
        attrs[COMMENT_PREFIX + d.key] = TextAreaField(
            f"{d.name}: comment", validators=[Length(max=COMMENT_MAX, message=(
                f"Keep the comment to {COMMENT_MAX} characters."))], render_kw={"rows": 2})
    return type("DriverRatingForm", (DriverRatingForm,), attrs)(**kwargs)


def _int(text):
    try:
        return int(str(text).strip())
    except ValueError:
        return text
