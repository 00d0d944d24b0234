"""The forms of the pages of KPIs, scorecards, rank stacks and values."""
