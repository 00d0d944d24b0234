"""Makes ``import dualdash_support_org`` work in the tests without installing the package.

pytest puts the folder of this conftest.py (which has no ``__init__.py``) on ``sys.path`` in its
default "prepend" import mode. The Dual Dash fixtures are requested by the test module itself
(``pytest_plugins`` there): pytest refuses ``pytest_plugins`` in a conftest.py that is not at the
top of the run, which this one is not when the whole repository is tested."""
