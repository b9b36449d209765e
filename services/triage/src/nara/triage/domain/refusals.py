"""Why a use case refuses: one type per kind of refusal, so that each entrypoint says it in its own terms
(the API maps the types to HTTP statuses in entrypoints/problems.py)."""

from __future__ import annotations

from typing import Any


class ContactRefused(Exception):
    """`message` is for people (Swedish); `code` names the problem for pages that react to it."""

    def __init__(self, message: str, code: str | None = None, errors: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.errors = errors  # one entry per problem where there are many (a file's rows), for the problem details


class NotPermitted(ContactRefused):
    """The caller may not do this (their role, their units, or someone else's data)."""


class NotFound(ContactRefused):
    """No such thing that the caller may see."""


class WrongState(ContactRefused):
    """The thing is not in a state that allows this any more (a contact already assessed or closed)."""


class InvalidRequest(ContactRefused):
    """The request cannot be used as given; the message says what to change."""


class TooLarge(ContactRefused):
    """The request is larger than the use case takes."""
