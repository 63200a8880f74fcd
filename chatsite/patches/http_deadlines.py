"""uvicorn's HTTP protocol with a deadline for a request's headers.

uvicorn times out a connection only while it is idle between requests (--timeout-keep-alive), and
that timer is cancelled by the first byte received. A client that connects and sends nothing, or
sends its headers a byte at a time, holds its connection for ever: a few thousand of them are a
denial of service that costs the attacker nothing (Slowloris). ASGI middleware cannot help, since
the application sees a request only once its headers are complete.

Here a connection must deliver a request's complete headers within HEADER_TIMEOUT_SECONDS of
being opened, and the next request's within that time of the previous response; otherwise it is
closed. A request whose headers have arrived is no longer timed here: its body has its own
deadline (chatsite/body_limits.py), and a response may stream for as long as a reply takes.

`python -m chatsite.serve` installs it in place of uvicorn's "auto" protocol (h11, or httptools
when installed). It subclasses uvicorn's protocol and reads its internals (the request cycle, the
transport, the loop), so it is fenced like the other patches here.

Off (PATCH_HTTP_HEADER_DEADLINE=false): uvicorn's own protocol, with no deadline for headers.
"""

import asyncio
import logging

from uvicorn.config import HTTP_PROTOCOLS
from uvicorn.protocols.http.auto import AutoHTTPProtocol

logger = logging.getLogger("uvicorn.error")

DEFAULT_HEADER_TIMEOUT_SECONDS = 10


class HeaderDeadlineProtocol(AutoHTTPProtocol):
    header_timeout: float = DEFAULT_HEADER_TIMEOUT_SECONDS

    def connection_made(self, transport: asyncio.Transport) -> None:
        super().connection_made(transport)
        self._header_deadline: asyncio.TimerHandle | None = None
        self._arm_header_deadline()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._arm_header_deadline()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_header_deadline()
        super().connection_lost(exc)

    def _arm_header_deadline(self) -> None:
        self._disarm_header_deadline()
        self._header_deadline = self.loop.call_later(self.header_timeout, self._header_deadline_passed)

    def _disarm_header_deadline(self) -> None:
        if getattr(self, "_header_deadline", None) is not None:
            self._header_deadline.cancel()
            self._header_deadline = None

    def _header_deadline_passed(self) -> None:
        self._header_deadline = None
        # A request in progress (its headers complete, its response not) is left alone.
        if self.cycle is not None and not self.cycle.response_complete:
            return
        if not self.transport.is_closing():
            logger.debug("Closing a connection that sent no complete request headers in %ss", self.header_timeout)
            self.transport.close()


def install(header_timeout: float) -> None:
    """Serve HTTP with the header deadline wherever uvicorn would pick its protocol itself."""
    HeaderDeadlineProtocol.header_timeout = header_timeout
    HTTP_PROTOCOLS["auto"] = f"{__name__}:HeaderDeadlineProtocol"
