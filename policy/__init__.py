"""The ai-gateway CrossGuard policy pack (``rules/``), its entry point (``__main__.py``) and the
offline checker (``check.py``: ``python -m policy.check build/<stack>/inventory.json``).

Importing this package has no side effects; only running ``__main__.py`` starts the pack.
"""
