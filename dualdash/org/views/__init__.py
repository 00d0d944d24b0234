"""The pages of people, teams and job roles: one blueprint per module."""
