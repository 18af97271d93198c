"""Admission control: a request that waited too long in the server's queue is refused fast."""

import socket
import time

import pytest
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from common.admission import AdmissionMiddleware, queued_milliseconds


@pytest.fixture
def queued_socket():
    """A server-side socket whose request bytes arrived ``wait`` seconds before it is read."""
    opened = []

    def make(wait: float):
        server = socket.create_server(("127.0.0.1", 0))
        client = socket.create_connection(server.getsockname())
        client.sendall(b"GET / HTTP/1.1\r\n\r\n")
        time.sleep(wait)
        conn, _ = server.accept()
        conn.recv(100)
        opened.extend([server, client, conn])
        return conn

    yield make
    for sock in opened:
        sock.close()


def _middleware():
    return AdmissionMiddleware(lambda request: HttpResponse("served"))


@override_settings(ADMISSION_MAX_WAIT_SECONDS=0.2)
def test_a_request_queued_longer_than_the_limit_is_refused_in_chinese(queued_socket):
    """A request that waited past the limit gets 503 with 请稍候重试 and Retry-After."""
    request = RequestFactory().get("/", **{"gunicorn.socket": queued_socket(0.35)})
    response = _middleware()(request)
    assert response.status_code == 503
    assert "请稍候重试" in response.content.decode()
    assert response["Retry-After"]


@override_settings(ADMISSION_MAX_WAIT_SECONDS=0.2)
def test_a_request_served_in_time_passes(queued_socket):
    """A request read soon after it arrived is served."""
    request = RequestFactory().get("/", **{"gunicorn.socket": queued_socket(0)})
    assert _middleware()(request).content == b"served"


def test_the_kernel_reports_how_long_data_waited(queued_socket):
    """TCP_INFO tells the time since the request's bytes arrived."""
    assert queued_milliseconds(queued_socket(0.25)) >= 200


def test_without_gunicorn_nothing_is_refused():
    """The development server and the test client are never refused."""
    assert _middleware()(RequestFactory().get("/")).content == b"served"
