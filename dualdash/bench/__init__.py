"""``dualdash bench``: how fast the main pages are on a large synthetic organization, and why.

For each main page the benchmark measures, over R requests through the WSGI app (signed in as the
person who would open it), the median and 95th-percentile server time, the number of SQL queries,
and the page's **floor**: the same rows fetched with the fewest raw SQL queries through the database
driver alone (no ORM, no rendering), timed in the same run. The ratio page / floor says how much
the app adds on top of what the database must do anyway. It also measures the CSV import rate of the
real import code into the live database, and the peak memory of each request and of the import.

- :mod:`.synthetic`: build or reuse the synthetic organization's database;
- :mod:`.pages`: which pages, opened by whom on which objects, and their targets;
- :mod:`.floors`: each page's floor, in raw SQL;
- :mod:`.runner`: timing, query counting and memory of the pages;
- :mod:`.import_rate`: the CSV import's rate and memory, in a child process;
- :mod:`.report`: the table a person reads, and the JSON.
"""
