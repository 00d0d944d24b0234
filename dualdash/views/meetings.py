"""Placeholder: filled in next."""
from flask import Blueprint

bp = Blueprint("meetings", __name__)
