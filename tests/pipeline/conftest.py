from tests.scoring.conftest import city, run_scoring  # noqa: F401  (shared fixtures)
