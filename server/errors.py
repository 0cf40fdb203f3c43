"""Rendering of the project's errors: one place, JSON for machines, an HTML page for browsers."""

from __future__ import annotations

from flask import Flask, Response, g, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from ..errors import ShnorError

_HTTP_CODES = {400: "bad_input", 404: "not_found", 405: "method_not_allowed", 406: "not_acceptable",
               413: "payload_too_large", 415: "unsupported_media_type", 429: "too_many_requests"}


def wants_json() -> bool:
    """API and endpoint paths, and clients that prefer JSON over HTML, get JSON errors."""
    path = request.path
    if path.startswith(("/api/", "/sparql", "/health", "/.well-known/")):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"], default="application/json")
    return best != "text/html"


def render_error(error: ShnorError) -> Response:
    """The canonical error response: ``{"error": {"code", "message", "status", ...}}`` or a page."""
    g.error_code = error.code  # for the access log
    if wants_json():
        response = jsonify(error.to_dict())
    else:
        template = "not_found.html" if "suggestions" in error.details else "error.html"
        response = Response(render_template(template, error=error), mimetype="text/html")
    response.status_code = error.status
    if "retry_after" in error.details:
        response.headers["Retry-After"] = str(error.details["retry_after"])
    return response


def _from_http(exc: HTTPException) -> ShnorError:
    error = ShnorError(exc.description or exc.name)
    error.status = exc.code or 500
    error.code = _HTTP_CODES.get(error.status, "http_error")
    return error


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(ShnorError, render_error)
    app.register_error_handler(HTTPException, lambda exc: render_error(_from_http(exc)))
