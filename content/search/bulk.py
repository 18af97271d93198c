"""Indexing many objects at once, for loaders and imports that write in bulk.

``bulk_create`` sends no ``post_save``, and one index update per saved object is slow; both
end here: write the objects, then hand them to every auto-updating backend in one batch.
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.db.models import Model
from django.db.models.signals import post_save
from modelsearch.backends import get_search_backends
from modelsearch.signal_handlers import post_save_signal_handler


def index_objects(model: type[Model], objects: Iterable[Model]) -> None:
    """Add or refresh ``objects`` (all of ``model``) in every auto-updating search backend."""
    objects = list(objects)
    if not objects:
        return
    for backend in get_search_backends(with_auto_update=True):
        backend.add_bulk(model, objects)


@contextmanager
def search_updates_deferred(*models: type[Model]) -> Iterator[None]:
    """Inside the block, saving ``models`` does not touch the index; the caller indexes after."""
    for model in models:
        post_save.disconnect(post_save_signal_handler, sender=model)
    try:
        yield
    finally:
        for model in models:
            post_save.connect(post_save_signal_handler, sender=model)
