"""The demo: the 40-person quick-start organization (:mod:`~dualdash.demo.organization`), its KPI values
and coaching history (:mod:`~dualdash.demo.kpis`, :mod:`~dualdash.demo.coaching`), a CSV of its values
(:mod:`~dualdash.demo.values_csv`) and synthetic organizations of any size (:mod:`~dualdash.demo.scale`)."""
