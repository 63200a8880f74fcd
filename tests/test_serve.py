"""`python -m chatsite.serve` (uvicorn with TCP_NODELAY on its listening socket): connections a
multi-process server accepts send each write at once instead of waiting for the client's delayed
ACK (about 40 ms a response otherwise, docs/benchmarks.md)."""

import socket

import uvicorn.config

import chatsite.serve  # noqa: F401 - installs the listening socket option


def test_connections_accepted_by_a_multi_process_server_have_nagle_off():
    config = uvicorn.config.Config("chatsite.asgi:application", host="127.0.0.1", port=0, workers=2)
    listener = config.bind_socket()
    listener.listen()
    try:
        with socket.create_connection(listener.getsockname()[:2]) as client:
            accepted, _ = listener.accept()
            with accepted:
                assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
    finally:
        listener.close()
