"""Nära's local stack: real PostgreSQL and Kafka on loopback, started without a Docker engine."""
