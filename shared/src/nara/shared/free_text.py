"""Whatever a person types ends up in events and logs, so free text never carries a personnummer.

One rule for the API's fields (nara.shared.web.fields) and the event contract (nara.shared.events): 10 and 12
digits, with or without a separator, and samordningsnummer, as nara.shared.redaction finds them.
"""

from __future__ import annotations

from nara.shared.redaction import contains_personnummer


class PersonnummerInText(ValueError):
    # The message never repeats the text: it ends up in 422 answers, logs and dead-letter headers.
    def __init__(self) -> None:
        super().__init__(
            "Skriv inte personnummer i fritext. Ta bort numret och försök igen; patienten anges i sitt eget fält."
        )


def no_personnummer(text: str) -> str:
    if contains_personnummer(text):
        raise PersonnummerInText()
    return text
