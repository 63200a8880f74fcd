"""The OpenAPI schema: committed, current, complete, and served with its docs from this app."""

import re
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

COMMITTED = Path(settings.BASE_DIR) / "docs" / "openapi.yaml"


@pytest.fixture(scope="module")
def schema() -> dict:
    return yaml.safe_load(COMMITTED.read_text())


def api_routes() -> set[str]:
    """Every /api/v1/ route in the URLconf, written the way the schema writes paths."""
    found = set()

    def walk(patterns, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                found.add("/" + re.sub(r"<(?:\w+:)?pk>", "{id}", prefix + str(pattern.pattern)))

    walk(get_resolver().url_patterns, "")
    return {route for route in found if route.startswith("/api/v1/") and not route.startswith(("/api/v1/schema/", "/api/v1/docs/"))}


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def test_the_committed_schema_is_what_the_code_generates(tmp_path):
    generated = tmp_path / "openapi.yaml"
    call_command("spectacular", "--file", str(generated), "--validate", "--fail-on-warn")
    assert generated.read_text() == COMMITTED.read_text(), (
        "docs/openapi.yaml is out of date: run `.venv/bin/python manage.py spectacular --file docs/openapi.yaml`"
    )


def test_every_api_route_is_in_the_schema(schema):
    assert api_routes() == set(schema["paths"])


def test_the_served_schema_is_the_committed_one(schema):
    response = APIClient().get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi")
    assert response.status_code == 200
    assert yaml.safe_load(response.content) == schema


def test_every_operation_documents_its_errors_in_the_one_error_shape(schema):
    error = schema["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"code", "detail"}
    assert set(error["properties"]) == {"code", "detail", "errors"}
    for path, method, operation in operations(schema):
        errors = {code: response for code, response in operation["responses"].items() if code >= "400"}
        assert errors, f"{method} {path} documents no errors"
        for code, response in errors.items():
            assert response["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}, (method, path, code)
            assert "Codes: `" in response["description"], (method, path, code)


def test_every_throttled_operation_documents_429_with_retry_after(schema):
    for path, method, operation in operations(schema):
        if path.endswith("/stream/"):
            continue
        throttled = operation["responses"]["429"]
        assert "`throttled`" in throttled["description"]
        assert "Retry-After" in throttled["headers"], (method, path)


@pytest.mark.parametrize(
    "method, path, status, codes",
    [
        ("post", "/api/v1/branches/{id}/messages/", "409", ["branch_ended", "reply_pending"]),
        ("post", "/api/v1/branches/{id}/messages/", "400", ["invalid"]),
        ("get", "/api/v1/branches/{id}/", "404", ["not_found"]),
        ("get", "/api/v1/conversations/", "401", ["not_authenticated"]),
        ("post", "/api/v1/auth/register/", "403", ["signup_disabled"]),
        ("post", "/api/v1/end-events/{id}/feedback/", "409", ["feedback_exists"]),
        ("post", "/api/v1/moderation/end-events/{id}/reopen/", "409", ["already_reopened", "branch_open"]),
    ],
)
def test_the_error_codes_a_client_must_handle_are_named(schema, method, path, status, codes):
    description = schema["paths"][path][method]["responses"][status]["description"]
    for code in codes:
        assert f"`{code}`" in description


def test_both_auth_schemes_are_described_and_required_where_the_api_requires_them(schema):
    schemes = schema["components"]["securitySchemes"]
    assert schemes["tokenAuth"]["type"] == "apiKey" and schemes["tokenAuth"]["name"] == "Authorization"
    assert "cookieAuth" in schemes
    conversations = schema["paths"]["/api/v1/conversations/"]["get"]
    assert {"tokenAuth": []} in conversations["security"]
    token = schema["paths"]["/api/v1/auth/token/"]["post"]
    assert "401" not in token["responses"]


def test_the_sse_endpoint_is_described_as_an_event_stream(schema):
    operation = schema["paths"]["/api/v1/messages/{id}/stream/"]["get"]
    ok = operation["responses"]["200"]
    assert list(ok["content"]) == ["text/event-stream"]
    for event in ("`token`", "`reset`", "`done`", "Last-Event-ID"):
        assert event in operation["description"]
    assert any(p["name"] == "Last-Event-ID" and p["in"] == "header" for p in operation["parameters"])


def test_the_conversation_list_documents_its_filters_and_pages(schema):
    operation = schema["paths"]["/api/v1/conversations/"]["get"]
    parameters = {p["name"]: p for p in operation["parameters"]}
    assert parameters["ended"]["schema"]["type"] == "boolean"
    assert parameters["q"]["schema"]["type"] == "string"
    assert parameters["page"]["schema"]["type"] == "integer"
    assert parameters["page_size"]["schema"]["type"] == "integer"
    page = schema["components"]["schemas"]["PaginatedConversationOutList"]
    assert {"count", "next", "previous", "results"} <= set(page["properties"])


def test_ids_in_paths_are_uuids(schema):
    for path, method, operation in operations(schema):
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "path":
                assert parameter["schema"] == {"type": "string", "format": "uuid"}, (method, path)


def test_the_docs_page_loads_its_assets_from_this_app_and_nothing_from_a_cdn():
    client = APIClient()
    page = client.get("/api/v1/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    # Its start-up script is a file of its own (no inline script, for the Content-Security-Policy),
    # and that script reads the schema from this app.
    assert not re.search(r"<script>", html)
    script = client.get("/api/v1/docs/?script=")
    assert script.status_code == 200 and "/api/v1/schema/" in script.content.decode()
    external = [url for url in re.findall(r"""(?:src|href)=["']([^"']+)""", html) if re.match(r"(https?:)?//", url)]
    assert external == []
    assets = re.findall(r"""(?:src|href)=["'](/static/[^"']+)""", html)
    assert assets, "the page should load the Swagger UI bundle from /static/"
    for asset in assets:
        response = client.get(asset)
        assert response.status_code == 200, asset
