"""What every package shares and that knows no table: access rule declarations, CSV reading, upload
checks, downloads, paging and form fields."""
