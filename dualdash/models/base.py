"""The base model every table derives from."""
import datetime

from peewee import Model

from ..db import database


def utcnow():
    """Naive UTC time: what every timestamp column stores."""
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False
