"""Finding a contact reason from the words a person types: titles and synonyms, best match first.

Every word typed must begin a word of the title or of one synonym ("ont bröst" finds "Ont i bröstet"),
with or without å, ä and ö, so that choosing a reason is rarely a guess. Small words that say nothing of the
problem ("det svider när jag kissar") are left out of the match, unless nothing else was typed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from .conditions import Sex
from .guidelines import ContactReason, GuidelineSet

_WORD = re.compile(r"[\wåäöéü]+", re.IGNORECASE)
# Folded (no å, ä, ö), as the words are compared.
_SMALL_WORDS = frozenset(
    [
        "jag",
        "du",
        "han",
        "hon",
        "vi",
        "ni",
        "de",
        "den",
        "det",
        "mig",
        "dig",
        "sig",
        "min",
        "mitt",
        "mina",
        "din",
        "ditt",
        "har",
        "hade",
        "ar",
        "blir",
        "blev",
        "nar",
        "som",
        "och",
        "eller",
        "att",
        "en",
        "ett",
        "i",
        "pa",
        "av",
        "till",
        "fran",
        "med",
        "for",
        "om",
        "sa",
    ]
)


def _folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _words(text: str) -> list[str]:
    return _WORD.findall(_folded(text))


def _query_words(query: str) -> list[str]:
    """The words that say something; all of them when the query is only small words."""
    words = _words(query)
    return [w for w in words if w not in _SMALL_WORDS] or words


def _word_matches(query: str, word: str, loose: bool) -> bool:
    """A typed word begins the word; loosely, the two share a stem ("förvirrad" and "förvirring")."""
    if word.startswith(query):
        return True
    if not loose or len(query) < 5:
        return False
    common = next((i for i, (a, b) in enumerate(zip(query, word, strict=False)) if a != b), min(len(query), len(word)))
    return common >= max(5, len(query) - 2)


def _phrase_matches(query_words: list[str], phrase: str, loose: bool = False) -> bool:
    words = _words(phrase)
    return all(any(_word_matches(q, word, loose) for word in words) for q in query_words)


def search_reasons(
    guidelines: GuidelineSet, query: str, age: int | None = None, sex: Sex | None = None
) -> list[ContactReason]:
    """The reasons for this age and sex whose title or a synonym has every word typed; titles first."""
    wanted = _query_words(query)
    reasons = [r for r in guidelines.reasons.values() if age is None or r.applies_to(age, sex)]
    if not wanted:
        return sorted(reasons, key=_order(age))
    found: list[ContactReason] = []
    for loose in (False, True):  # exact beginnings first, then shared stems; titles before synonyms in each
        tiers = (
            [
                r
                for r in reasons
                if _phrase_matches(wanted, r.title, loose)
                or (r.title_child is not None and _phrase_matches(wanted, r.title_child, loose))
            ],
            [r for r in reasons if any(_phrase_matches(wanted, s, loose) for s in r.synonyms)],
        )
        for tier in tiers:
            found += sorted((r for r in tier if r not in found), key=_order(age))
    return found


def _order(age: int | None) -> Callable[[ContactReason], tuple[bool, str]]:
    """Alphabetical; for a child, the reasons written for children ("… hos barn") first."""

    def key(reason: ContactReason) -> tuple[bool, str]:
        for_children = reason.age is not None and reason.age.max < 18
        return (not for_children if age is not None and age < 18 else False), _folded(reason.title)

    return key
