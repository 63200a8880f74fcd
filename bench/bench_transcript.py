"""Reading a big conversation: GET branches/{id}/ on a conversation of 2,000 messages in 200 branches.
Reports SQL queries (must not grow with size), median time, and the ratio to serialising the same
transcript from memory with no database.

    .venv/bin/python bench/bench_transcript.py
"""

import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.env import count_queries, setup_django  # noqa: E402

REDIS = setup_django("transcript")

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from bench.measure import print_table, write_json  # noqa: E402

RUNS = 30


def build(owner, messages: int, branches: int):
    """A conversation whose branches each fork from the previous one a few turns before its end;
    returns the deepest branch."""
    from conversations.models import Branch, Conversation, Message

    rng = random.Random(7)
    conversation = Conversation.objects.create(owner=owner, title=f"{messages} messages", provider="local", model="local-offline-1")
    per_branch = messages // branches
    paths: list[list[Message]] = []
    created_branches = []
    for index in range(branches):
        if paths:
            # Users mostly edit or retry something recent: fork the latest line near its end.
            base = paths[-1]
            cut = max(0, len(base) - 2 * rng.randrange(1, 6))
            prefix = base[:cut]
        else:
            prefix = []
        branch = Branch.objects.create(conversation=conversation)
        parent = prefix[-1] if prefix else None
        new = []
        for turn in range(per_branch):
            role = "user" if turn % 2 == 0 else "assistant"
            message = Message(
                conversation=conversation, branch=branch, parent=parent, role=role,
                content=f"Message {index}.{turn}: " + "lorem ipsum dolor sit amet " * 8,
                status="complete", kind=None if role == "user" else "answer",
                moderation={"labels": {}, "flagged": [], "backend": "builtin"} if role == "user" else None,
            )
            new.append(message)
            parent = message
        Message.objects.bulk_create(new)
        branch.tip = new[-1]
        branch.save(update_fields=["tip"])
        paths.append(prefix + new)
        created_branches.append(branch)
    deepest = max(range(branches), key=lambda i: len(paths[i]))
    conversation.active_branch = created_branches[deepest]
    conversation.save(update_fields=["active_branch"])
    return conversation, created_branches[deepest], len(paths[deepest])


def get(client, url: str):
    """One GET through Django's test client, as a measure."""

    def measure() -> None:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    return measure


def in_memory(branch, path_len: int):
    """Serialise the same transcript from objects already in memory: the floor of the endpoint."""
    from conversations.api.serializers import BranchOut
    from conversations.selectors import branch_path, current_end_event

    messages = branch_path(branch)
    end_event = current_end_event(branch)
    assert len(messages) == path_len
    return lambda: BranchOut(branch, context={"messages": messages, "end_event": end_event}).data


def page_in_memory(owner, conversation_id):
    """Render the chat page from a context already in memory: the floor of the page."""
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    from conversations.models import Conversation
    from conversations.views import chat_context

    request = RequestFactory().get(f"/c/{conversation_id}/")
    request.user = owner
    context = chat_context(request, Conversation.objects.get(pk=conversation_id))
    context["conversations"] = list(context["conversations"])
    return lambda: render_to_string("conversations/chat.html", context, request)


def medians_taking_turns(measures: dict) -> dict[str, float]:
    """Each measure once per round, RUNS rounds: a machine that speeds up or slows down part way
    (these are shared) moves an endpoint and its in-memory floor alike."""
    samples: dict[str, list[float]] = {name: [] for name in measures}
    for _ in range(RUNS):
        for name, measure in measures.items():
            started = time.perf_counter()
            measure()
            samples[name].append(time.perf_counter() - started)
    return {name: statistics.median(values) for name, values in samples.items()}


def main() -> None:
    from django.contrib.auth.models import User

    call_command("migrate", verbosity=0)
    owner = User.objects.create_user("bench-transcript", password="x-bench-password-1")
    client = Client()
    client.force_login(owner)
    rows, results = [], {}
    for messages, branches in ((200, 20), (2000, 200)):
        _, branch, path_len = build(owner, messages, branches)
        api_url, page_url = f"/api/v1/branches/{branch.id}/", f"/c/{branch.conversation_id}/"
        (_, queries), (_, page_queries) = count_queries(client, api_url), count_queries(client, page_url)
        medians = medians_taking_turns({
            "api": get(client, api_url), "api in memory": in_memory(branch, path_len),
            "page": get(client, page_url), "page in memory": page_in_memory(owner, branch.conversation_id),
        })
        median, memory = medians["api"], medians["api in memory"]
        page_median, page_memory = medians["page"], medians["page in memory"]
        results[f"{messages}_messages"] = {
            "branches": branches, "path_length": path_len, "api_queries": queries,
            "api_median_ms": median * 1000, "in_memory_median_ms": memory * 1000, "ratio_to_in_memory": median / memory,
            "page_queries": page_queries, "page_median_ms": page_median * 1000,
            "page_in_memory_median_ms": page_memory * 1000, "page_ratio_to_in_memory": page_median / page_memory,
        }
        rows.append([messages, branches, path_len, queries, median * 1000, memory * 1000, median / memory, page_queries, page_median * 1000, page_memory * 1000, page_median / page_memory])
    print_table(
        "GET branches/{id}/ and the chat page on a big conversation",
        ["messages", "branches", "path", "API queries", "API median ms", "in-memory ms", "API ratio", "page queries", "page median ms", "page in-memory ms", "page ratio"],
        rows,
    )
    print(f"wrote {write_json('transcript', results)}")
    REDIS.stop()


if __name__ == "__main__":
    main()
