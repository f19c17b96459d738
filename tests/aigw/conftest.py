"""The CLI's tests reuse the functions' fake credentials and the admin API's world."""

from tests.functions.conftest import aws_credentials  # noqa: F401  (a fixture, used by name)
