"""Domain errors with German messages the UI shows as they are."""

from __future__ import annotations


class DomainError(Exception):
    """A rule refused the action; ``str(error)`` is a German sentence for the user."""


class NotFound(DomainError):
    """The record does not exist for this actor (also used for other tenants' records)."""

    def __init__(self, message: str = "Der Datensatz wurde nicht gefunden.") -> None:
        super().__init__(message)


class PermissionDenied(DomainError):
    """The actor's role may not do this."""

    def __init__(self, message: str = "Für diese Aktion fehlt Ihnen die Berechtigung.") -> None:
        super().__init__(message)


class FieldErrors(DomainError):
    """Input was invalid; ``errors`` maps field names to German messages, shown at the field."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("Bitte prüfen Sie die markierten Angaben.")


class DatabaseBusy(DomainError):
    """The database stayed locked by another change longer than we wait (SQLite busy timeout, PostgreSQL lock
    timeout or deadlock); the whole transaction was rolled back, nothing was saved."""

    def __init__(self, message: str = (
        "Die Datenbank ist gerade mit einer anderen Änderung beschäftigt. Es wurde nichts gespeichert. "
        "Bitte versuchen Sie es in einem Moment erneut."
    )) -> None:
        super().__init__(message)
