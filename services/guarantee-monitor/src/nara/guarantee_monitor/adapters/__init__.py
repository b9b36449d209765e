"""The guarantee monitor's adapters: all its SQL and I/O, injected into the service layer by the entrypoints."""
