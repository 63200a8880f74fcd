"""Each HTTP request's id, settled before the server or Django logs a line about it.

django-guid's middleware gives Django's lines the request id, but it runs inside Django, in a
thread whose context never flows back out: uvicorn's access line for the same request came out
without it. This ASGI wrapper takes the proxy's `X-Request-ID` when django-guid would (a UUID), or
makes one, writes it into the request's headers (so the middleware reads the same id and sends it
back) and sets it for the whole request, the access line included.
"""

from django.conf import settings
from django_guid.context import guid
from django_guid.utils import generate_guid, validate_guid


class RequestIds:
    def __init__(self, app) -> None:
        self.app = app
        self.header = settings.DJANGO_GUID["GUID_HEADER_NAME"].lower().encode("latin-1")

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = next((value.decode("latin-1") for name, value in scope["headers"] if name == self.header), "")
        request_id = given if validate_guid(given) else generate_guid()
        if request_id != given:
            headers = [(name, value) for name, value in scope["headers"] if name != self.header]
            scope = {**scope, "headers": [*headers, (self.header, request_id.encode("latin-1"))]}
        token = guid.set(request_id)
        try:
            await self.app(scope, receive, send)
        finally:
            guid.reset(token)
