"""``aigw``: the platform engineers' CLI for the admin API (``python -m aigw`` or ``bin/aigw``)."""
