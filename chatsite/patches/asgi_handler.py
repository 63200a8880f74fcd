"""Django's ASGI handler with two costs of running synchronous views under ASGI taken out.

Off (PATCH_ASGI_HANDLER=false): Django's own handler, with its thread hops and a new thread per
request, about twice the web process's time for a send (docs/benchmarks.md).

One thread hop per request, not two per middleware. Under ASGI Django runs the middleware chain
asynchronously, and each of its middlewares runs its request and response hooks in the request's
thread, one hop there and back per hook: about twenty hops per request, the largest part of the
web process's time in a profile. Here every request goes through the same middlewares built
synchronously, in one hop, as under WSGI. The views are synchronous (DRF, the pages, the admin,
and the SSE view, which returns an async stream); an async view would still work, called back on
the event loop by Django. Async streams are sent from the event loop, holding no thread.

Threads kept and reused. Django starts a new thread for every request's synchronous code and
stops it after; starting one blocks the event loop until the thread runs, and its database
connection and Celery's per-thread objects go with it. Each request here still has a thread no
other request uses while it runs, taken from a pool of idle ones, so the threads keep their
connections (closed by Django's CONN_MAX_AGE rules at the end of each request, as under a
threaded WSGI server).
"""

from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import ThreadSensitiveContext, sync_to_async
from django.core.handlers.asgi import ASGIHandler
from django.core.handlers.base import BaseHandler
from django.db import connections

from chatsite.connections import release_connections

# Idle threads kept beyond this are stopped: a burst of long streams should not leave a thousand
# threads behind.
MAX_IDLE_THREADS = 32


class ChatASGIHandler(ASGIHandler):
    def __init__(self) -> None:
        # BaseHandler's, not ASGIHandler's: that one would also build the async chain (a second
        # instance of every middleware) that this handler never calls.
        BaseHandler.__init__(self)
        self.load_middleware(is_async=False)
        # Touched only from the event loop's thread, so a plain list is enough.
        self._idle: list[ThreadPoolExecutor] = []

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            raise ValueError(f"Django can only handle ASGI/HTTP connections, not {scope['type']}.")
        executor = self._idle.pop() if self._idle else ThreadPoolExecutor(max_workers=1, thread_name_prefix="request")
        try:
            async with ThreadSensitiveContext(executor=executor):
                await self.handle(scope, receive, send)
        finally:
            self._release(executor)

    async def get_response_async(self, request):
        return await sync_to_async(self._respond, thread_sensitive=True)(request)

    def _respond(self, request):
        response = self.get_response(request)
        if response.streaming:
            # A stream stays open as long as its reply takes, and a process serves thousands: the
            # database connection the view used goes back now, not when the stream ends, or a few
            # hundred readers would use up the database's connections.
            release_connections()
        return response

    def _release(self, executor: ThreadPoolExecutor) -> None:
        if len(self._idle) < MAX_IDLE_THREADS:
            self._idle.append(executor)
            return
        executor.submit(connections.close_all)
        executor.shutdown(wait=False)

