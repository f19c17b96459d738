"""The AppConfig Lambda validator: the same checks as the tests, on every deployment of either profile."""
