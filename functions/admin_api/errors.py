"""The API's errors: one exception type, one JSON shape ``{"error": {"code", "message", "details"}}``."""

from __future__ import annotations

import json
from typing import Any, Optional


class ApiError(Exception):
    """An answer other than success: HTTP status, a stable machine code, a sentence, and details."""

    def __init__(self, status: int, code: str, message: str, details: Optional[Any] = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details

    def body(self) -> str:
        """The JSON body of this error."""
        return error_body(self.code, self.message, self.details)


def error_body(code: str, message: str, details: Optional[Any] = None) -> str:
    """``{"error": {"code", "message", "details"}}`` as JSON text (details default to an empty object)."""
    return json.dumps({"error": {"code": code, "message": message, "details": {} if details is None else details}},
                      sort_keys=True, default=str)


def not_found(what: str) -> ApiError:
    """404 for ``what`` (``team payments``)."""
    return ApiError(404, "not_found", f"{what} does not exist")


def bad_request(message: str, details: Optional[Any] = None) -> ApiError:
    """400 for a request the API understood but refuses."""
    return ApiError(400, "bad_request", message, details)


def conflict(message: str, details: Optional[Any] = None) -> ApiError:
    """409 when the request clashes with what exists."""
    return ApiError(409, "conflict", message, details)
