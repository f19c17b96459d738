"""Lambda functions of the control plane, one package per function, plus ``shared`` (docs/lambda-packaging.md)."""
