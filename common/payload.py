"""Reading the JSON body of a request the site's own scripts send, and saying in Chinese what
is wrong with one they did not."""

import json
import re
from typing import Any

from django.http import JsonResponse

BAD_REQUEST = "请求格式不正确。"
DIGITS = re.compile(r"[0-9]{1,18}")
LARGEST = 2**31 - 1  # fits every integer column of every supported database


class BadPayload(ValueError):
    """The body is not a JSON object."""


def json_object(request) -> dict[str, Any]:
    """The request's JSON object (``{}`` for an empty body); ``BadPayload`` otherwise, also
    for a body holding a NUL character."""
    if b"\x00" in request.body or b"\\u0000" in request.body:  # PostgreSQL stores no NUL
        raise BadPayload(BAD_REQUEST)
    try:
        payload = json.loads(request.body or b"{}")
    except ValueError as error:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise BadPayload(BAD_REQUEST) from error
    if not isinstance(payload, dict):
        raise BadPayload(BAD_REQUEST)
    return payload


def whole_number(value: Any, *, largest: int = LARGEST) -> int | None:
    """A JSON whole number from 0 to ``largest`` (or its digits as text), else None: true,
    1.5, -1, "abc", 1e400 and numbers too large for the database are not ids."""
    if isinstance(value, str) and DIGITS.fullmatch(value):
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= largest:
        return value
    return None


def bad_request(message: str = BAD_REQUEST) -> JsonResponse:
    """A 400 answer in the shape the site's scripts read: ``{"ok": false, "error": …}``."""
    return JsonResponse({"ok": False, "error": message}, status=400)
