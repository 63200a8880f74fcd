"""TCP_NODELAY on the listening socket uvicorn binds for `--workers N`.

With `--workers N` uvicorn binds the listening socket itself, with the protocol number left at 0,
and asyncio only turns Nagle's algorithm off on accepted sockets that report IPPROTO_TCP. So every
response written in more than one piece (headers, then body: all of them) waited for the client's
delayed ACK, about 40 ms a request on Linux (Kludex/uvicorn#3149, unfixed in the release pinned
here; measured in docs/benchmarks.md: a bare POST 48 ms, 6.8 ms with this). Linux gives accepted
sockets the listener's TCP_NODELAY, so setting it on the listener covers every connection. A
single process without `--workers` was never affected.

Off (PATCH_UVICORN_NODELAY=false): uvicorn's own socket, and the delay with `--workers`.
"""

import socket

import uvicorn.config

_stock_bind_socket = uvicorn.config.Config.bind_socket


def bind_socket(self) -> socket.socket:
    sock = _stock_bind_socket(self)
    if sock.family in (socket.AF_INET, socket.AF_INET6):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def install() -> None:
    uvicorn.config.Config.bind_socket = bind_socket
