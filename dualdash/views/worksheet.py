"""Placeholder: filled in next."""
from flask import Blueprint

bp = Blueprint("worksheet", __name__)
