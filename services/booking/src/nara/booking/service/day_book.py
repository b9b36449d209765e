"""The day's book (dagbok): every time of a day per practitioner or profession, with its state."""
