"""The pages of 1:1s, action items, worksheets, drivers, skills and results × drivers: one blueprint per module."""
