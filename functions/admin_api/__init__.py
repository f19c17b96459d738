"""The admin API: one Lambda router behind a regional REST API (docs/control-plane-store.md)."""
