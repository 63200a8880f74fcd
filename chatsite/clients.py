"""Who a request comes from, as every rate limit counts it.

By default no forwarding header is believed: the client is the address that opened the TCP
connection, so a client cannot pick a new identity per request by setting X-Forwarded-For. Behind
proxies, say which (docs/security.md):

- TRUSTED_PROXIES: the proxies' addresses or networks. `python -m chatsite.serve` passes them to
  uvicorn as --forwarded-allow-ips, and uvicorn takes the client from X-Forwarded-For only on
  connections from them, skipping the trusted hops from the right; the web process then sees the
  real client as the connection's address.
- NUM_PROXIES: the number of proxies in front when their addresses are not known in advance (a
  cloud load balancer); the client is the address that many entries from the right of
  X-Forwarded-For, where the nearest proxy wrote it. This is DRF's own NUM_PROXIES.
"""

from django.http import HttpRequest
from rest_framework.throttling import BaseThrottle


def client_address(request: HttpRequest) -> str:
    """The client's address, the same one the API's throttles count (DRF's get_ident)."""
    return BaseThrottle().get_ident(request)
