"""WSGI entry point. Run under ``gunicorn --preload`` so jieba's dictionary loads once."""

import os

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

if not settings.DEBUG and not os.environ.get("DJANGO_SECRET_KEY"):
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY 未设置：生产环境必须通过环境变量提供密钥（开发时可设置 DJANGO_DEBUG=1）。"
    )

application = get_wsgi_application()

# Load jieba's dictionary now, once per process: with ``gunicorn --preload`` before the workers
# fork, and never on a request.
from content.search import segment  # noqa: E402

segment.warm_up()
