"""Imports every module of endpoints so that their routes register on the API blueprint."""
from dualdash.api import measurements, openapi, rank_stacks, scorecards  # noqa: F401
