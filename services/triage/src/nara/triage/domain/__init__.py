"""The triage domain: guidelines as data, the engine, the linter, the registry and a contact's rules and
lifecycle. Pure Python with no I/O: adapters/guideline_files.py reads the guideline files for it."""
