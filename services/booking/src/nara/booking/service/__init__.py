"""Web booking's use cases. Each runs inside one database transaction given by the caller."""
