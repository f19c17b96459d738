"""A tiny Lambda function for the packaging tests only (real functions live under ``functions/``)."""
