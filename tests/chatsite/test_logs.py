"""Log lines as operators read them: time, level, logger, message, and the request and reply they
are about, from the web request into the Celery worker (chatsite/logs.py)."""

import json
import logging
import re
import uuid

import httpx
import pytest
from django_guid import set_guid
from pythonjsonlogger.json import JsonFormatter

from chatsite.logs import ContextFilter, TextFormatter, logging_config, reply_context
from tests.support import live


def formatted(formatter: logging.Formatter, message: str) -> str:
    record = logging.LogRecord("conversations.pipeline", logging.WARNING, __file__, 1, message, (), None)
    ContextFilter().filter(record)
    return formatter.format(record)


@pytest.fixture
def request_id():
    value = uuid.uuid4().hex
    set_guid(value)
    yield value
    set_guid(None)


def test_a_text_line_has_the_time_level_logger_message_and_the_ids_it_is_about(request_id):
    with reply_context("42"):
        line = formatted(TextFormatter(), "the model is slow")
    assert re.fullmatch(
        rf"\d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{{3}}Z WARNING conversations\.pipeline the model is slow "
        rf"request_id={request_id} reply_id=42",
        line,
    )


def test_a_line_about_no_request_or_reply_names_none():
    assert formatted(TextFormatter(), "worker ready").endswith(" WARNING conversations.pipeline worker ready")


def test_json_lines_carry_the_same_fields_under_plain_names(request_id):
    config = logging_config(level="INFO", json_lines=True)["formatters"]["default"]
    formatter = JsonFormatter(**{key: value for key, value in config.items() if key != "()"})
    with reply_context("42"):
        line = json.loads(formatted(formatter, "the model is slow"))
    assert line["level"] == "WARNING"
    assert line["logger"] == "conversations.pipeline"
    assert line["message"] == "the model is slow"
    assert line["request_id"] == request_id
    assert line["reply_id"] == "42"
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", line["time"])


@pytest.mark.django_db
def test_the_proxys_request_id_comes_back_and_a_missing_or_malformed_one_is_replaced(client):
    from_proxy = uuid.uuid4().hex
    assert client.get("/accounts/login/", HTTP_X_REQUEST_ID=from_proxy)["X-Request-ID"] == from_proxy
    made = client.get("/accounts/login/")["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", made)
    forged = client.get("/accounts/login/", HTTP_X_REQUEST_ID="x\" injected=1")["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", forged)


def test_the_request_and_reply_ids_follow_a_reply_from_the_web_process_into_the_worker(live_client, live_stack):
    request_id = uuid.uuid4().hex
    branch = live.new_branch(live_client)
    sent = live_client.post(f"/api/v1/branches/{branch}/messages/", json={"content": "Hello there"}, headers={"X-Request-ID": request_id})
    assert sent.status_code == 202, sent.text
    assert sent.headers["X-Request-ID"] == request_id
    reply_id = sent.json()["assistant_message"]["id"]
    assert live.read_stream(live_client, reply_id).done["status"] == "complete"

    def lines(process: str) -> list[str]:
        return [line for line in (live_stack.logs / f"{process}.log").read_text().splitlines() if f"request_id={request_id}" in line]

    # The web process queued it, the worker made it, both lines naming the request and the reply.
    queued = live.wait_until(lambda: [line for line in lines("web") if "Reply queued" in line], message="the web's line")
    assert f"reply_id={reply_id}" in queued[0]
    made = live.wait_until(lambda: [line for line in lines("worker") if "Reply complete" in line], message="the worker's line")
    assert f"reply_id={reply_id}" in made[0]
    # Celery logs the task's success after it returns, so possibly after the reply's last event.
    live.wait_until(
        lambda: any("conversations.tasks.generate_reply" in line and "succeeded" in line for line in lines("worker")),
        message="Celery's line",
    )


def test_the_servers_access_line_names_the_request_too(tmp_path, transactional_db):
    port = live.free_port()
    web = live.start_web(tmp_path, port, log_level="info")
    try:
        from_proxy = uuid.uuid4().hex
        answer = httpx.get(f"http://127.0.0.1:{port}/accounts/login/", headers={"X-Request-ID": from_proxy}, timeout=10)
        assert answer.headers["X-Request-ID"] == from_proxy
        made = httpx.get(f"http://127.0.0.1:{port}/accounts/login/", headers={"X-Request-ID": "forged"}, timeout=10).headers["X-Request-ID"]
        assert re.fullmatch(r"[0-9a-f]{32}", made)

        def access_lines(request_id: str) -> list[str]:
            lines = (tmp_path / "web.log").read_text().splitlines()
            return [line for line in lines if "uvicorn.access" in line and "GET /accounts/login/" in line and f"request_id={request_id}" in line]

        live.wait_until(lambda: access_lines(from_proxy), message="the access line with the proxy's id")
        live.wait_until(lambda: access_lines(made), message="the access line with the id made for the request")
    finally:
        web.stop()
