"""Pagination of a peewee query for list pages."""
import math


class Page:
    """One page of ``query``: ``items``, ``number``, ``pages``, ``total``."""

    def __init__(self, query, number, per_page):
        try:
            number = int(number or 1)
        except (TypeError, ValueError):
            number = 1
        self.total = query.count()
        self.per_page = per_page
        self.pages = max(1, math.ceil(self.total / per_page))
        self.number = min(max(1, number), self.pages)
        self.items = list(query.paginate(self.number, per_page))

    @property
    def has_previous(self):
        return self.number > 1

    @property
    def has_next(self):
        return self.number < self.pages
