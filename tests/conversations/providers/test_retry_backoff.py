"""The reply task's backoff between provider retries."""

from conversations.tasks import retry_delay


def test_the_backoff_grows_exponentially_with_jitter_up_to_a_cap(settings):
    settings.PROVIDER_RETRY_BASE_SECONDS = 2
    settings.PROVIDER_RETRY_MAX_SECONDS = 60
    for retries, ceiling in [(0, 2), (1, 4), (3, 16), (10, 60)]:
        delays = {retry_delay(retries) for _ in range(50)}
        assert all(ceiling / 2 <= delay <= ceiling for delay in delays)
        assert len(delays) > 1, "jitter spreads retries that failed together"


def test_a_longer_retry_after_from_the_provider_always_wins(settings):
    settings.PROVIDER_RETRY_BASE_SECONDS = 2
    assert retry_delay(0, retry_after=30) == 30
    assert 1 <= retry_delay(0, retry_after=0.5) <= 2
