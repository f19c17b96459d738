"""Tests of the control-plane Lambda functions (functions/)."""
