"""Placeholder: filled in next."""
from flask import Blueprint

bp = Blueprint("skills_pages", __name__)
