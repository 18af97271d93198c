import pytest


@pytest.fixture(autouse=True)
def _isolated_media_and_index(settings, tmp_path):
    """Every test writes uploads and its search index into its own temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    backends = settings.WAGTAILSEARCH_BACKENDS
    if "PATH" in backends["default"]:
        settings.WAGTAILSEARCH_BACKENDS = {
            "default": {**backends["default"], "PATH": str(tmp_path / "search_index")}
        }
