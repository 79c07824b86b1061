"""The register's errors: a stable `code` for programs and a sentence for people.

Services raise these; the site shows `message`, the API answers `{"code", "detail"}`.
"""
from __future__ import annotations


class RegistryError(Exception):
    code = "invalid"
    http_status = 400

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.field = field  # the form or API field the error is about, if any


class Conflict(RegistryError):
    """The request is well formed but clashes with the register's current state."""

    code = "conflict"
    http_status = 409


class NotFound(RegistryError):
    code = "not_found"
    http_status = 404
