"""gunicorn settings: ``gunicorn -c config/gunicorn.conf.py config.wsgi``.

Sync workers (one request at a time each; 2-3 per core), the application loaded once before
they fork (jieba's dictionary), a listen queue long enough for a burst, and a worker killed
and replaced if one request takes longer than ``timeout``. A request that waited in the queue
longer than ``ADMISSION_MAX_WAIT_SECONDS`` is refused at once with 503 请稍候重试
(``common.admission``) instead of being served after the browser has given up.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
worker_class = "sync"
preload_app = True
backlog = int(os.environ.get("GUNICORN_BACKLOG", "2048"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "0"))
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
