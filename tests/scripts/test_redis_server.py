"""scripts/redis_server.py's port check: `make run` right after a stop starts, and a port a server
still listens on is refused."""

import socket

import uvicorn.config

from scripts.redis_server import port_is_free


def leave_time_wait_on_a_port() -> int:
    """A port with a connection in TIME_WAIT on it and nothing listening: what a stopped server
    leaves behind when it closed its connections first."""
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    port = listener.getsockname()[1]
    client = socket.create_connection(("127.0.0.1", port))
    accepted, _ = listener.accept()
    # The server side closes first, so the TIME_WAIT is on the server's port.
    accepted.close()
    client.recv(1)
    client.close()
    listener.close()
    return port


def test_a_port_left_in_time_wait_by_a_stopped_server_counts_as_free_as_it_does_for_uvicorn():
    port = leave_time_wait_on_a_port()
    # The connection's TIME_WAIT alone blocks a bind without SO_REUSEADDR...
    with socket.socket() as plain:
        try:
            plain.bind(("127.0.0.1", port))
            blocked = False
        except OSError:
            blocked = True
    assert blocked
    # ...yet uvicorn binds (it sets SO_REUSEADDR), so the check must say the port is free.
    assert port_is_free(port)
    server = uvicorn.config.Config("chatsite.asgi:application", host="127.0.0.1", port=port).bind_socket()
    server.close()


def test_a_port_a_server_listens_on_is_not_free():
    with socket.socket() as listener:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        assert not port_is_free(listener.getsockname()[1])
