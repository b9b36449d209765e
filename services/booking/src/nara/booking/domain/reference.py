"""The booking reference a person reads out on the phone: computed from the appointment id, never stored.

Twelve characters of Crockford's base32 (no I, L, O or U, so nothing reads as another) carry 60 bits of a hash of
the id: among a hundred million appointments the chance that any two share a reference is below 0.5 %, and the
id stays the key; the reference only finds the appointment for a person."""

from __future__ import annotations

import hashlib
import uuid

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 12
GROUP = 4


def booking_reference(appointment_id: uuid.UUID) -> str:
    """'K7QF-3MZA-9XPD': the same for the same appointment, every time."""
    number = int.from_bytes(hashlib.blake2b(appointment_id.bytes, digest_size=8).digest(), "big") >> 4
    characters = []
    for _ in range(LENGTH):
        number, digit = divmod(number, len(ALPHABET))
        characters.append(ALPHABET[digit])
    text = "".join(reversed(characters))
    return "-".join(text[i : i + GROUP] for i in range(0, LENGTH, GROUP))
