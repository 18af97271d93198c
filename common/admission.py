"""Admission control: a request that waited too long in the server's queue is refused at once.

Under gunicorn's sync workers a request that finds every worker busy waits in the listening
socket's queue. Served after the browser has given up, it only delays the requests behind it;
refused fast with 503 and ``Retry-After``, the page (or the person) tries again a little later
while the server works through what it can still answer in time.

How long a request waited is read from the kernel: ``TCP_INFO``'s ``tcpi_last_data_recv`` is
the time since the request's bytes arrived on the connection, which for a sync worker (one
request per connection, read as soon as it is accepted) is the time it spent queued. Without
gunicorn's socket (the development server, tests) nothing is refused.
"""

import socket
import struct

from django.conf import settings
from django.http import HttpResponse

TCP_INFO_SIZE = 104
LAST_DATA_RECV_OFFSET = 52  # struct tcp_info: 8 bytes of flags, then u32 fields; the 12th
REFUSAL = (
    '<!doctype html><html lang="zh-hans"><meta charset="utf-8"><title>请稍候重试</title>'
    "<p>当前访问人数较多，服务器繁忙，请稍候重试。已保存的答案不会丢失。</p></html>"
)


def queued_milliseconds(sock) -> int | None:
    """Milliseconds since the request's data arrived, or None where the kernel cannot say."""
    try:
        info = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, TCP_INFO_SIZE)
        return struct.unpack_from("I", info, LAST_DATA_RECV_OFFSET)[0]
    except (AttributeError, OSError, struct.error):
        return None


def refusal() -> HttpResponse:
    response = HttpResponse(REFUSAL, status=503)
    response["Retry-After"] = str(settings.ADMISSION_RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class AdmissionMiddleware:
    """First in MIDDLEWARE: refuses before any session or database work."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response
        self.limit_ms = settings.ADMISSION_MAX_WAIT_SECONDS * 1000

    def __call__(self, request):
        sock = request.META.get("gunicorn.socket")
        if self.limit_ms and sock is not None:
            waited = queued_milliseconds(sock)
            if waited is not None and waited > self.limit_ms:
                return refusal()
        return self.get_response(request)
