"""URL converters the apps share."""

from django.urls import register_converter
from django.urls.converters import get_converters


class IdConverter:
    """A database id in a URL: 1 to 18 digits, so it always fits a 64-bit column. A longer
    number matches no URL (404) instead of overflowing the database driver (500)."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(value)


def register() -> None:
    """Register ``<id:…>`` once (called when the app is ready, before any URL is built)."""
    if "id" not in get_converters():
        register_converter(IdConverter, "id")
