"""The pages of KPIs, scorecards, rank stacks and values: one blueprint per module."""
