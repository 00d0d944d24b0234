"""The forms of the pages of 1:1s, action items, worksheets, drivers, skills and results × drivers."""
