"""The forms of the pages of people, teams and job roles."""
