"""Placeholder: filled in next."""
from flask import Blueprint

bp = Blueprint("action_items", __name__)
