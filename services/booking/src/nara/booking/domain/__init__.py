"""Web booking's rules, in plain Python: no database, no framework, no clock of its own."""
