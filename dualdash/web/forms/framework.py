"""The band-rule try-out form on the plugins page (a GET form: it changes nothing)."""
from wtforms import DecimalField, Form, SelectChoice, SelectField
from wtforms.validators import InputRequired, Optional


class BandRuleTryForm(Form):
    rule = SelectField("Band rule", validators=[InputRequired()])
    direction = SelectField("Better is", choices=[SelectChoice("higher"), SelectChoice("lower")], default="higher")
    meets = DecimalField("Meets line", validators=[Optional()])
    exceeds = DecimalField("Exceeds line", validators=[Optional()])
    value = DecimalField("Value", validators=[InputRequired(message="Enter a value to band.")])
