"""The broker transport (chatsite/patches/kombu_transport.py) is the one Celery connects with, for
both schemes."""

from kombu import Connection

from chatsite.patches import kombu_transport as broker
from chatsite.celery import app


def test_celery_connects_to_redis_through_the_transport_that_survives_losing_redis():
    with app.connection_for_write() as connection:
        assert isinstance(connection.transport, broker.Transport)


def test_a_rediss_url_still_gets_tls_with_the_replacement_transport():
    connection = Connection("rediss://cache.example:6380/0")
    assert connection.get_transport_cls() is broker.Transport
    assert connection.ssl, "kombu turns TLS on for rediss:// by the alias; it must still do so"

