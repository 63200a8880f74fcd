"""The Redis broker transport Celery uses: kombu's, with one fault fixed and one cost removed.

When Redis goes away while a task runs, the worker's consumer closes its connection and then,
closing the channels, tries to put the unacknowledged messages back, and later to ack the task
that finished meanwhile. Both go through a channel whose connection was already closed, so kombu
raises AttributeError ('NoneType' object has no attribute 'hostname', as in celery/kombu#582)
instead of a connection error. Celery treats that as unrecoverable and the worker stays up
without consuming: alive, taking no more work.

Raising a connection error there instead is what the rest of kombu and Celery expect: the close
and the ack are skipped as failed for a lost connection, and the consumer reconnects once Redis is
back. Nothing is lost: a message that could not be put back or acked is delivered again after the
visibility timeout (or is gone with a Redis that restarted empty), replies are claimed with a
fenced lease, and the periodic requeue hands any pending reply to a worker.

Off (PATCH_KOMBU_TRANSPORT=false): kombu's own transport, with that fault (a worker can stay up
idle after a Redis outage until it is restarted) and a new Redis client per publish and per ack.
"""

from kombu import transport
from kombu.transport import redis as kombu_redis
from redis.exceptions import ConnectionError as RedisConnectionError


class Channel(kombu_redis.Channel):
    _pooled_client = None

    def _connparams(self, asynchronous=False):
        if self.connection.client is None:
            raise RedisConnectionError("the broker connection this channel belonged to is closed")
        return super()._connparams(asynchronous=asynchronous)

    def _create_client(self, asynchronous=False):
        """One client per connection pool instead of a new redis.Redis for every command (kombu
        builds one to publish each task, to ack each message; redis-py 8 fills a table of response
        callbacks for each, a third of a publish). Clients are thread-safe and share the pool; a
        pool replaced after a lost connection gets a new client."""
        if asynchronous:
            return super()._create_client(asynchronous=True)
        client = self._pooled_client
        if client is None or client.connection_pool is not self.pool:
            client = self._pooled_client = super()._create_client()
        return client


class Transport(kombu_redis.Transport):
    Channel = Channel


def install() -> None:
    """Make `redis://` and `rediss://` broker URLs use this transport.

    By alias rather than the `broker_transport` setting, because kombu turns on TLS for `rediss://`
    by the alias name, which an explicit transport class would bypass."""
    for scheme in ("redis", "rediss"):
        transport.TRANSPORT_ALIASES[scheme] = f"{__name__}:Transport"
        transport._transport_cache.pop(scheme, None)
