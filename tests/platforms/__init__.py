import pytest

# The shared table tests assert in a helper module: have pytest explain their failures as in a test module.
pytest.register_assert_rewrite("tests.platforms.table")
