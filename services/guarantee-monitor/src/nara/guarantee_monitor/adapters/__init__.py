"""The guarantee monitor's adapters: all its SQL and Kafka I/O, made in app.py and injected where needed."""
