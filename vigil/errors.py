"""Errors meant for a person: what went wrong, which field, and which article requires it.

Every error a user can provoke is a `VigilError`; the CLI and API print `message` (never a
stack trace) and programs read `code`, `field` and `article`.
"""

from __future__ import annotations


class VigilError(Exception):
    """A refusal or failure with a message for a person and a stable code for a program."""

    code = "error"
    exit_code = 1

    def __init__(self, message: str, *, field: str | None = None, article: str | None = None):
        self.message = message
        self.field = field
        self.article = article
        super().__init__(self.describe())

    def describe(self) -> str:
        parts = []
        if self.field:
            parts.append(f"{self.field}: ")
        parts.append(self.message)
        if self.article:
            parts.append(f" ({self.article})")
        return "".join(parts)

    def as_dict(self) -> dict[str, str | None]:
        return {
            "code": self.code,
            "message": self.message,
            "field": self.field,
            "article": self.article,
        }


class ValidationError(VigilError):
    """Bad input: a field's value is not acceptable."""

    code = "invalid"
    exit_code = 2


class NotFoundError(VigilError):
    code = "not_found"
    exit_code = 3


class ConflictError(VigilError):
    code = "conflict"
    exit_code = 4


class RefusedByLawError(ValidationError):
    """The input is well-formed but the measures forbid it (the article says which)."""

    code = "refused_by_law"


class StorageFullError(VigilError):
    code = "storage_full"
    exit_code = 5
