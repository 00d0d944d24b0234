"""The form that creates a personal API token: just a name to tell tokens apart."""
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length

NAME_MAX = 100


def strip(value):
    return value.strip() if isinstance(value, str) else value


class TokenForm(FlaskForm):
    name = StringField("Token name", filters=[strip], validators=[
        DataRequired(message="Give the token a name, e.g. the script or tool that will use it."),
        Length(max=NAME_MAX, message=f"Use at most {NAME_MAX} characters.")],
        render_kw={"autocomplete": "off", "maxlength": NAME_MAX})
