"""Placeholder: filled in next."""
from flask import Blueprint

bp = Blueprint("admin_skills", __name__)
