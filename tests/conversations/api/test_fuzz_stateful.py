"""Schemathesis's stateful mode on the live stack: sequences of operations linked by the ids one
answer gives the next (create a conversation, send to its branch, end it, send again, edit a
message, retry a reply, delete...), generated from the committed schema. Schemathesis infers the
links whose id is an answer's own `id`; the others are in the schema (conversations/api/schema.py).

No step may answer with a 5xx or outside the schema. `make test` runs a short pass;
`make fuzz` (FUZZ_MAX_EXAMPLES) runs longer.
"""

import inspect
import os
from pathlib import Path

import pytest
import schemathesis
from django.conf import settings
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.support.accounts import token_for

SCHEMA = schemathesis.openapi.from_path(Path(settings.BASE_DIR) / "docs" / "openapi.yaml")
MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "8"))


def test_the_schema_links_create_send_end_and_send_again():
    machine = SCHEMA.as_state_machine()
    rules = [name for name, value in inspect.getmembers(machine) if hasattr(value, "hypothesis_stateful_rule")]
    for link in ("SendToItsBranch", "EndTheBranch", "SendToTheEndedBranch", "RetryTheReply", "EditTheMessage"):
        assert any(link in rule for rule in rules), f"no {link} link: sequences through it would not be fuzzed"


@pytest.mark.django_db(transaction=True)
def test_no_sequence_of_operations_answers_with_a_server_error_or_outside_the_schema(live_stack, make_user):
    token = token_for(make_user("stateful-fuzzer", staff=True))

    class Sequences(SCHEMA.as_state_machine()):
        def get_call_kwargs(self, case):
            return {"base_url": live_stack.base_url, "headers": {"Authorization": f"Token {token}"}, "timeout": 30}

        def validate_response(self, response, case, **kwargs):
            # As in test_fuzz.py: some rules live in the services, not in the schema (400 invalid).
            case.validate_response(response, excluded_checks=[positive_data_acceptance])

    Sequences.run(
        settings=hypothesis_settings(
            max_examples=MAX_EXAMPLES,
            stateful_step_count=8,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
    )
