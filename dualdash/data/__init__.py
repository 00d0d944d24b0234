"""The whole database at once: export (CSV per table and a manifest), import-all (into an empty database,
all or nothing) and backup."""
