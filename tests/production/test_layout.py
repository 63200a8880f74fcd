"""The production layout end to end: 2 web processes, 2 Celery workers and 1 beat on one
PostgreSQL and one Redis, with DJANGO_ENV=production (tests/production/conftest.py). This is where
several workers and web processes share the database, so lost or duplicated replies show here."""

import json
import os
import re
import signal
import uuid
from concurrent.futures import ThreadPoolExecutor

from prometheus_client.parser import text_string_to_metric_families

from chatsite.celery import app as celery_app
from tests.support.live import ABUSE, new_branch, read_stream, wait_until


def send(client, branch: str, text: str, **headers):
    response = client.post(f"/api/v1/branches/{branch}/messages/", json={"content": text}, headers=headers)
    assert response.status_code == 202, response.text
    return response.json(), read_stream(client, response.json()["assistant_message"]["id"])


def json_lines(layout, process: str) -> list[dict]:
    return [json.loads(line) for line in layout.lines(process) if line.startswith("{")]


def test_the_release_step_ran_and_the_formation_is_up(layout):
    release = layout.lines("release")
    assert any("Applying conversations.0001_initial... OK" in line for line in release)
    assert any("static files copied" in line for line in release)
    # One uvicorn with two processes on its socket, two Celery workers, one beat.
    assert sum("Started server process" in line for line in layout.lines("web.1")) == 2
    for worker in ("worker.1", "worker.2"):
        assert any(line.get("message", "").endswith(" ready.") for line in json_lines(layout, worker)), worker
    assert any("beat: Starting" in line.get("message", "") for line in json_lines(layout, "beat.1"))


def test_static_files_are_collected_hashed_and_served(layout):
    with layout.client() as client:
        page = client.get("/accounts/login/")
        assert page.status_code == 200
        assert page.headers["strict-transport-security"].startswith("max-age=")
        script = re.search(r'/static/[\w/]+\.[0-9a-f]{12}\.(?:js|css)', page.text)
        assert script, "production pages link hashed static files"
        asset = client.get(script.group(0))
        assert asset.status_code == 200
        assert "max-age=315360000" in asset.headers["cache-control"]


def test_a_conversation_through_its_whole_lifecycle(layout, user_token):
    request_id = uuid.uuid4().hex
    with layout.client(user_token) as client:
        branch = new_branch(client)
        body, reply = send(client, branch, "What is a good name for a goldfish?", **{"X-Request-ID": request_id})
        assert reply.done == {"status": "complete", "kind": "answer", "ended": False}
        assert len(reply.tokens) > 5, "the reply streams token by token"

        # Three redirected abusive turns, then the fourth ends the branch.
        for text in ABUSE[:3]:
            assert send(client, branch, text)[1].done["kind"] == "redirect"
        assert send(client, branch, ABUSE[3])[1].done == {"status": "complete", "kind": "end", "ended": True}
        refused = client.post(f"/api/v1/branches/{branch}/messages/", json={"content": "hello?"})
        assert refused.status_code == 409
        assert refused.json()["code"] == "branch_ended"

        # Editing the first message continues in a new, open branch.
        detail = client.get(f"/api/v1/branches/{branch}/").json()
        edited = client.post(f"/api/v1/messages/{detail['messages'][0]['id']}/edit/", json={"content": "Can you help me plan a trip?"})
        assert edited.status_code == 201, edited.text
        assert read_stream(client, edited.json()["assistant_message"]["id"]).done["kind"] == "answer"
        assert send(client, edited.json()["branch"]["id"], "Somewhere warm.")[1].done["ended"] is False

        feedback = client.post(f"/api/v1/end-events/{detail['end_event']['id']}/feedback/", json={"rating": "down", "comment": "too soon"})
        assert feedback.status_code == 201, feedback.text

    # The worker that answered the first message logged the id of the request that sent it.
    reply_lines = [
        line for worker in ("worker.1", "worker.2") for line in json_lines(layout, worker) if line.get("request_id") == request_id
    ]
    assert any("generate_reply" in line["message"] for line in reply_lines)


def test_replies_sent_at_once_are_each_answered_exactly_once(layout, user_token):
    def conversation(number: int) -> str:
        with layout.client(user_token) as client:
            branch = new_branch(client)
            for turn in range(2):
                _, reply = send(client, branch, f"Question {turn} of conversation {number}, please.")
                assert reply.done["status"] == "complete", reply
            return branch

    with ThreadPoolExecutor(max_workers=8) as pool:
        branches = list(pool.map(conversation, range(8)))

    rows = layout.query(
        """SELECT question.id, count(answer.id), count(answer.id) FILTER (WHERE answer.status = 'complete')
           FROM conversations_message question
           JOIN conversations_branch branch ON branch.conversation_id = question.conversation_id
           LEFT JOIN conversations_message answer ON answer.parent_id = question.id AND answer.role = 'assistant'
           WHERE question.role = 'user' AND branch.id::text = ANY(%s)
           GROUP BY question.id""",
        branches,
    )
    assert len(rows) == 16
    assert {(total, complete) for _, total, complete in rows} == {(1, 1)}
    # Both workers took part.
    for worker in ("worker.1", "worker.2"):
        assert any("generate_reply" in line.get("message", "") and "succeeded" in line["message"] for line in json_lines(layout, worker)), worker


def test_metrics_add_up_every_process_for_the_token_and_are_a_404_for_the_public(layout, user_token):
    def scrape() -> dict:
        with layout.client() as client:
            response = client.get("/metrics", headers={"Authorization": f"Bearer {layout.env['METRICS_TOKEN']}"})
        assert response.status_code == 200
        return {
            (sample.name, frozenset(sample.labels.items())): sample.value
            for family in text_string_to_metric_families(response.text)
            for sample in family.samples
        }

    with layout.client() as client:
        assert client.get("/metrics").status_code == 404
    with layout.client(user_token) as client:
        assert client.get("/metrics").status_code == 404

    complete = ("chat_replies_total", frozenset({("status", "complete")}))
    first_token = ("chat_reply_first_token_seconds_count", frozenset({("provider", "local")}))
    before = scrape()

    def one_reply(number: int) -> None:
        with layout.client(user_token) as client:
            assert send(client, new_branch(client), f"Question {number}")[1].done["status"] == "complete"

    # Six replies at once, so both workers (and their pool processes) make some of them.
    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(one_reply, range(6)))
    after = scrape()
    assert after[complete] == before.get(complete, 0) + 6
    assert after[first_token] == before.get(first_token, 0) + 6
    assert ("chat_queue_depth", frozenset({("state", "waiting")})) in after


def test_beat_purges_a_deleted_conversation_once_its_retention_period_is_over(layout, user_token):
    with layout.client(user_token) as client:
        branch = new_branch(client)
        send(client, branch, "Something I will regret saying.")
        conversation = client.get(f"/api/v1/branches/{branch}/").json()["conversation"]
        assert client.delete(f"/api/v1/conversations/{conversation}/").status_code == 204
        assert client.get(f"/api/v1/conversations/{conversation}/").status_code == 404

    def purged() -> bool:
        return not layout.query("SELECT 1 FROM conversations_conversation WHERE id::text = %s", str(conversation))

    # DELETED_RETENTION_DAYS=0 and a purge every 3 s: gone within a few runs of beat.
    wait_until(purged, timeout=60, interval=0.5, message="beat's purge")
    assert not layout.query("SELECT 1 FROM conversations_message WHERE conversation_id::text = %s", str(conversation))


def test_beat_sweeps_a_reply_whose_worker_was_killed_and_the_branch_takes_messages_again(layout, user_token):
    with layout.client(user_token) as client:
        created = client.post("/api/v1/conversations/", json={"provider": "slow"})
        assert created.status_code == 201, created.text
        branch = created.json()["active_branch"]
        sent = client.post(f"/api/v1/branches/{branch}/messages/", json={"content": "Tell me a long story."})
        reply_id = sent.json()["assistant_message"]["id"]

        def worker_holding_the_reply() -> str | None:
            active = celery_app.control.inspect(timeout=2).active() or {}
            for node, tasks in active.items():
                if any(reply_id in task["args"] for task in tasks):
                    return node.partition("@")[0]
            return None

        worker = wait_until(worker_holding_the_reply, timeout=60, interval=0.5, message="a worker to take the reply")
        with client.stream("GET", f"/api/v1/messages/{reply_id}/stream/", timeout=120) as stream:
            lines = stream.iter_lines()
            assert next(line for line in lines if line.startswith("event: token"))
            # The whole worker, its pool included, dies at once: no warm shutdown, no ack, no
            # redelivery within the visibility timeout. Only beat's sweeper can recover the reply.
            os.killpg(layout.pid(worker), signal.SIGKILL)
            done = None
            for line in lines:
                if line.startswith("data: ") and '"status"' in line:
                    done = json.loads(line.removeprefix("data: "))
                    break
        assert done["status"] == "failed"
        assert "took too long" in done["error"]

        message = client.get(f"/api/v1/messages/{reply_id}/").json()
        assert message["status"] == "failed"
        # The user can go on: the branch takes a new message (a slow reply again, left to run).
        again = client.post(f"/api/v1/branches/{branch}/messages/", json={"content": "Let us try again."})
        assert again.status_code == 202, again.text
    # The runner started the killed worker again, as systemd's Restart=always would.
    assert f"{worker} exited with code" in layout.log.read_text()
