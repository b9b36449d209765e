"""Setting up a unit: care units (admin), practitioners and time types (the unit's scheduler)."""
