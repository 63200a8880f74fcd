"""The chat pages' two ways to send, driven over HTTP as chat.js drives them, for
bench/bench_pipeline.py: the page's streamed send (one request), and what a send took before it
(the form POST, its redirect to the page, then the reply's stream)."""

import re
import time

import httpx

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
STREAM_URL = re.compile(r'data-stream-url="([^"]+)"')


class PageSession:
    """A signed-in browser session on the stack: the session and CSRF cookies, and a form token."""

    def __init__(self, base_url: str, username: str, password: str) -> None:
        self.client = httpx.Client(base_url=base_url, timeout=120)
        login = self.client.get("/accounts/login/")
        form = {"username": username, "password": password, "csrfmiddlewaretoken": CSRF.search(login.text).group(1)}
        if self.client.post("/accounts/login/", data=form).status_code != 302:
            raise RuntimeError(f"could not log in as {username}")
        self.conversation = self.branch = self.csrf = None

    def new_conversation(self, api: httpx.Client) -> None:
        created = api.post("/api/v1/conversations/", json={}).json()
        self.conversation, self.branch = created["id"], created["active_branch"]
        self.csrf = CSRF.search(self.client.get(f"/c/{self.conversation}/").text).group(1)

    def _form(self) -> dict:
        return {"branch": self.branch, "content": "hello", "csrfmiddlewaretoken": self.csrf}

    def send_redirect_and_stream(self, read_to_done) -> tuple[float, float]:
        """Before: the form POST, its redirect to the page, then the reply's stream."""
        started = time.perf_counter()
        page = self.client.post(f"/c/{self.conversation}/send/", data=self._form(), follow_redirects=True)
        page.raise_for_status()
        pending = STREAM_URL.search(page.text)
        if pending is None:
            # With no provider latency the reply can be finished before the page is rendered;
            # then the page already shows it.
            elapsed = time.perf_counter() - started
            return elapsed, elapsed
        with self.client.stream("GET", pending.group(1)) as stream:
            return read_to_done(stream, started)

    def send_streamed(self, read_to_done) -> tuple[float, float]:
        """What chat.js does: one POST answered with the page, then the reply's events."""
        started = time.perf_counter()
        headers = {"Accept": "text/event-stream, text/html;q=0.9"}
        with self.client.stream("POST", f"/c/{self.conversation}/send/", data=self._form(), headers=headers) as stream:
            stream.raise_for_status()
            return read_to_done(stream, started)

    def close(self) -> None:
        self.client.close()
