"""Placeholder until the lambdas branch lands."""
