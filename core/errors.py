"""The project's error classes: one place, each with a user-safe message, an HTTP status and a
CLI exit code. The server renders them (JSON or HTML) in one handler; the CLI prints one line."""

from __future__ import annotations


class ShnorError(Exception):
    """Base of every error the product reports to a user.

    ``message`` is safe to show; ``details`` is a small JSON-serialisable dict (file, parameter,
    line, column...) that the API returns next to it.
    """

    status = 500
    code = "internal_error"
    exit_code = 1

    def __init__(self, message: str, **details: object) -> None:
        super().__init__(message)
        self.message = message
        self.details = {k: v for k, v in details.items() if v is not None}

    def to_dict(self) -> dict:
        """The canonical error body: ``{"error": {"code", "message", "status", ...details}}``."""
        return {"error": {"code": self.code, "message": self.message, "status": self.status, **self.details}}


class BadInput(ShnorError):
    """The request or the command line is wrong (a parameter, a file, a query)."""

    status = 400
    code = "bad_input"
    exit_code = 2


class BadParameter(BadInput):
    code = "bad_parameter"


class IngestError(BadInput):
    """A file could not be read or is not an act; the store is unchanged."""

    code = "ingest_error"


class QuerySyntaxError(BadInput):
    code = "query_syntax"


class QueryRefused(BadInput):
    """A query the endpoint will not run (an update, SERVICE, a foreign FROM...)."""

    code = "query_refused"


class NotFound(ShnorError):
    status = 404
    code = "not_found"
    exit_code = 2


class MethodNotAllowed(ShnorError):
    status = 405
    code = "method_not_allowed"


class NotAcceptable(ShnorError):
    status = 406
    code = "not_acceptable"


class UnsupportedMediaType(ShnorError):
    status = 415
    code = "unsupported_media_type"


class PayloadTooLarge(ShnorError):
    status = 413
    code = "payload_too_large"


class Unauthorized(ShnorError):
    status = 401
    code = "unauthorized"
    exit_code = 2


class Forbidden(ShnorError):
    status = 403
    code = "forbidden"
    exit_code = 2


class TooManyRequests(ShnorError):
    status = 429
    code = "too_many_requests"


class QueryTimeout(ShnorError):
    """A query ran past the time limit and was stopped."""

    status = 503
    code = "query_timeout"
    exit_code = 3


class StoreUnavailable(ShnorError):
    """The store cannot be reached or opened."""

    status = 503
    code = "store_unavailable"
    exit_code = 3


class ServerBusy(ShnorError):
    """The server is at its limit of long queries; this one was stopped (see ``retry_after``)."""

    status = 503
    code = "server_busy"
    exit_code = 3


class StoredQueryError(ShnorError):
    """A stored query file (``queries/*.rq``) is broken: the application does not start."""

    status = 500
    code = "stored_query_invalid"
    exit_code = 1


class ValidationFailed(ShnorError):
    """SHACL validation found Violations (used by ``--strict`` ingest and ``validate``)."""

    status = 422
    code = "validation_failed"
    exit_code = 1
