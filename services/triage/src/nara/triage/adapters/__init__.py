"""Adapters at the edges: clients for other services."""
