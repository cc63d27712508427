"""The plans app's domain errors (each a 4xx `{"code","message"}` through core.errors)."""

from __future__ import annotations

from fairdesk.core.errors import DomainError


class ChangeNotAllowed(DomainError):
    code = "change_not_allowed"
    status = 409


class CatalogUnfair(DomainError):
    code = "catalog_unfair"
    status = 503
