from tests.cases.conftest import cw  # noqa: F401 - the case world the disputes live in
