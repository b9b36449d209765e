"""The triage domain: guidelines as data, the engine, the linter and the registry. Pure Python, no I/O but the loader."""
