"""The triage service's use cases; each runs in the caller's database transaction."""
