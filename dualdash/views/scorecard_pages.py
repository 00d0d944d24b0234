"""Placeholder: filled in next."""
from flask import Blueprint

bp = Blueprint("scorecard_pages", __name__)
