"""The care-guarantee clock: pure rules over the facts the events told, with no I/O and no clock of its own."""
