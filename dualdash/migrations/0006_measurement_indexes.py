"""Measurements: drop the indexes of ``person_id`` alone and ``kpi_id`` alone.

The unique index (person_id, kpi_id, period_start) and the index (kpi_id, period_start) begin with
those columns and serve every query the narrower ones did, while each index costs every write:
without the two, a large import or demo load writes each value into three indexes instead of five.
"""


def up(migrator, db):
    migrator.migrate(migrator.drop_index('measurement', 'measurement_person_id'),
                     migrator.drop_index('measurement', 'measurement_kpi_id'))


def down(migrator, db):
    migrator.migrate(migrator.add_index('measurement', ('person_id',), False),
                     migrator.add_index('measurement', ('kpi_id',), False))
