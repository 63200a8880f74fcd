"""The chat page in a real browser: how much it downloads, and what formatting a streaming reply
costs per token.

1. Page weight. Chromium (Debian's, /usr/bin/chromium) opens a chat page on a throwaway stack and
   every response is recorded; each body is counted gzip-compressed (level 9), as
   `collectstatic` stores the static files and as a proxy would send the page. Three pages: a chat
   at load (no code, no reply streaming), one showing code (the highlighter loads), and one whose
   reply is streaming (the markdown renderer and sanitiser load). Budget: the chat page at load
   within PAGE_BUDGET_KB, everything together within ALL_BUDGET_KB; the run fails otherwise.
2. Formatting while streaming. In the same page, the reply's text grows by one token at a time and
   is drawn the way static/chat/chat.js draws it (markdown-it, then DOMPurify with the server's
   allow-list, then innerHTML), taking turns with the floor: the same text set as plain text,
   which is what the page did before. Reported per token at several reply lengths, median of
   TURNS turns; the page draws at most once a frame, so a draw must stay well under 16 ms.

    .venv/bin/python bench/bench_page.py
"""

import gzip
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.measure import print_table, write_json  # noqa: E402
from bench.stack import PYTHON, Stack  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
PAGE_BUDGET_KB = 60
ALL_BUDGET_KB = 130
TURNS = 5
LENGTHS = [1_000, 4_000, 16_000]  # characters of reply so far

SETUP = """
from django.contrib.auth.models import User
from conversations.models import Branch, Conversation, Message
owner = User.objects.get(username="bench")

def chat(title, turns, pending=False):
    conversation = Conversation.objects.create(owner=owner, title=title, provider="local", model="local-offline-1")
    branch = Branch.objects.create(conversation=conversation)
    parent = None
    for question, answer in turns:
        user = Message.objects.create(conversation=conversation, branch=branch, parent=parent, role="user", content=question)
        parent = Message.objects.create(conversation=conversation, branch=branch, parent=user, role="assistant", content=answer, kind="answer")
    if pending:
        user = Message.objects.create(conversation=conversation, branch=branch, parent=parent, role="user", content="And more?")
        parent = Message.objects.create(conversation=conversation, branch=branch, parent=user, role="assistant", status="streaming")
    branch.tip = parent
    branch.save()
    conversation.active_branch = branch
    conversation.save()
    print(title, conversation.pk)

prose = [(f"Question {i} about planning a trip", "Here is a plan.\\n\\n- Day one: the old town\\n- Day two: the coast\\n\\nEnjoy **the food**.") for i in range(10)]
code = prose[:9] + [("And in Python?", "Like this:\\n\\n```python\\ndef plan(days):\\n    return [f'day {d}' for d in range(days)]\\n```")]
chat("plain", prose)
chat("code", code)
chat("streaming", prose, pending=True)
"""

# One token of a long markdown reply: prose, lists and a code block now and then.
SAMPLE = (
    "A paragraph with **bold** words, `inline code` and a [link](https://example.org) that goes on "
    "for a while so the reply grows like a real one.\n\n- a point\n- another point\n\n"
    "```python\nfor item in items:\n    print(item)\n```\n\n"
)

RENDER_COST = """async ([lengths, turns, sample]) => {
  const target = document.createElement("div");
  document.querySelector(".transcript").appendChild(target);
  await window.chatDrawing(target);
  const tokens = sample.match(/\\S+\\s*|\\s+/g);
  const results = {};
  for (const length of lengths) {
    let text = "";
    while (text.length < length) text += sample;
    const times = {markdown: [], plain: [], whole: []};
    for (let turn = 0; turn < turns; turn++) {
      for (const way of ["plain", "markdown", "whole"]) {
        // The reply so far drawn once, then 50 more tokens, each drawn as the page draws it: block
        // by block (markdown), or all of it re-rendered (whole, the first version), against
        // plain text (the floor).
        const drawing = way === "plain" ? null : await window.chatDrawing(target);
        if (drawing && way === "markdown") drawing.draw(text);
        let grown = text;
        const start = performance.now();
        for (let i = 0; i < 50; i++) {
          grown += tokens[i % tokens.length];
          if (way === "markdown") drawing.draw(grown);
          else if (way === "whole") { drawing.stableLength = 0; drawing.stable.innerHTML = ""; drawing.tail.innerHTML = ""; drawing.draw(grown); }
          else target.textContent = grown;
          target.getBoundingClientRect();  // layout, as the frame would
        }
        times[way].push((performance.now() - start) / 50);
      }
    }
    const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    results[length] = {markdown_ms: median(times.markdown), plain_ms: median(times.plain), whole_ms: median(times.whole)};
  }
  target.remove();
  return results;
}"""


def compressed(body: bytes) -> int:
    return len(gzip.compress(body, compresslevel=9))


def load(browser, state: dict, url: str, wait_for: str):
    """Open `url` in a new browser context (signed in, nothing cached) and return the page and every
    response it got, until `wait_for` shows and the network is idle."""
    page = browser.new_context(viewport={"width": 1280, "height": 860}, storage_state=state).new_page()
    seen: list = []

    def record(response) -> None:
        seen.append(response)

    page.on("response", record)
    page.goto(url)
    page.wait_for_selector(wait_for)
    page.wait_for_load_state("networkidle")
    rows = []
    for response in seen:
        if response.request.resource_type in ("document", "stylesheet", "script", "image", "font"):
            body = response.body()
            rows.append({"url": response.url.split("/", 3)[-1], "type": response.request.resource_type, "bytes": len(body), "gzip": compressed(body)})
    return page, rows


def main() -> None:
    from playwright.sync_api import sync_playwright

    stack = Stack().start()
    try:
        made = stack._run(PYTHON, "manage.py", "shell", "-c", SETUP)
        ids = dict(line.split() for line in made.strip().splitlines()[-3:])
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
            login = browser.new_context().new_page()
            login.goto(f"{stack.base_url}/accounts/login/")
            login.fill("#id_username", "bench")
            login.fill("#id_password", "bench-password-123")
            login.click("button[type=submit]")
            login.wait_for_url(f"{stack.base_url}/c/**")
            state = login.context.storage_state()

            pages = {}
            _, pages["chat page at load"] = load(browser, state, f"{stack.base_url}/c/{ids['plain']}/", ".transcript")
            _, pages["with code (+ highlighter)"] = load(browser, state, f"{stack.base_url}/c/{ids['code']}/", "pre code.hljs")
            page, pages["reply streaming (+ renderer)"] = load(browser, state, f"{stack.base_url}/c/{ids['streaming']}/", "[data-stream-url]")
            page.wait_for_function("window.markdownit && window.DOMPurify")
            cost = page.evaluate(RENDER_COST, [LENGTHS, TURNS, SAMPLE])
            browser.close()
    finally:
        stack.stop()

    every = {row["url"]: row for rows in pages.values() for row in rows}
    weight_rows = [[name, len(rows), sum(r["bytes"] for r in rows) / 1024, sum(r["gzip"] for r in rows) / 1024] for name, rows in pages.items()]
    weight_rows.append(["everything, once", len(every), sum(r["bytes"] for r in every.values()) / 1024, sum(r["gzip"] for r in every.values()) / 1024])
    print_table("Page weight (KB)", ["page", "files", "raw KB", "gzip KB"], weight_rows)
    print_table("Files", ["file", "type", "raw KB", "gzip KB"], [[r["url"][:70], r["type"], r["bytes"] / 1024, r["gzip"] / 1024] for r in every.values()])
    cost_rows = [[length, cost[str(length)]["plain_ms"], cost[str(length)]["markdown_ms"], cost[str(length)]["whole_ms"]] for length in LENGTHS]
    print_table(
        "Drawing a streaming reply, per token (ms, median of turns)",
        ["reply chars", "plain text (floor)", "markdown, block by block", "markdown, all re-rendered"],
        cost_rows,
    )

    at_load = sum(r["gzip"] for r in pages["chat page at load"]) / 1024
    everything = sum(r["gzip"] for r in every.values()) / 1024
    write_json(
        "page",
        {
            "measured_at": time.strftime("%Y-%m-%d %H:%M:%S"),
            "budget_kb": {"chat_page_at_load": PAGE_BUDGET_KB, "everything": ALL_BUDGET_KB},
            "pages": {name: {"files": rows, "gzip_kb": sum(r["gzip"] for r in rows) / 1024} for name, rows in pages.items()},
            "everything_gzip_kb": everything,
            "render_per_token_ms": cost,
        },
    )
    if at_load > PAGE_BUDGET_KB or everything > ALL_BUDGET_KB:
        sys.exit(f"Over budget: {at_load:.1f} KB at load (budget {PAGE_BUDGET_KB}), {everything:.1f} KB in all (budget {ALL_BUDGET_KB})")
    print(f"\nWithin budget: {at_load:.1f} KB at load (<= {PAGE_BUDGET_KB}), {everything:.1f} KB in all (<= {ALL_BUDGET_KB}).")


if __name__ == "__main__":
    main()
