"""The patches of library internals are fenced (chatsite/patches/): each refuses to start on a
library version it was not tested with, and each can be turned off, the app then running on the
stock component."""

import importlib

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.handlers.asgi import ASGIHandler
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from chatsite import patches
from chatsite.patches.asgi_handler import ChatASGIHandler
from tests.support.live import new_branch, read_stream

PATCH_SETTINGS = [patch.setting for patch in patches.PATCHES]


def test_the_pinned_libraries_are_the_versions_every_patch_was_tested_with():
    assert patches.check_patched_versions() == []


@pytest.fixture
def kombu_upgraded(monkeypatch):
    """kombu (which chatsite/patches/kombu_transport.py patches) at a version nobody tested."""
    real = patches.installed_version
    monkeypatch.setattr(patches, "installed_version", lambda name: "99.0.0" if name == "kombu" else real(name))


def test_an_untested_library_version_fails_the_system_check_naming_the_patch_and_its_switch(kombu_upgraded):
    (error,) = patches.check_patched_versions()
    assert error.id == "chatsite.E001"
    assert "chatsite.patches.kombu_transport" in error.msg and "99.0.0" in error.msg and "5.7.0" in error.msg
    assert "PATCH_KOMBU_TRANSPORT=false" in error.hint
    with pytest.raises(SystemCheckError, match="kombu"):
        call_command("check")


def test_processes_without_system_checks_refuse_to_start_on_an_untested_version(kombu_upgraded):
    # What the ASGI application and the Celery worker call before they serve anything.
    with pytest.raises(ImproperlyConfigured, match="PATCH_KOMBU_TRANSPORT"):
        patches.verify()


def test_a_patch_turned_off_is_not_checked(kombu_upgraded, settings):
    settings.PATCH_KOMBU_TRANSPORT = False
    assert patches.check_patched_versions() == []
    patches.verify()


def test_the_asgi_application_is_djangos_own_with_the_handler_patch_off(settings):
    import chatsite.asgi

    try:
        settings.PATCH_ASGI_HANDLER = False
        assert type(importlib.reload(chatsite.asgi).application.app.app) is ASGIHandler
        settings.PATCH_ASGI_HANDLER = True
        assert type(importlib.reload(chatsite.asgi).application.app.app) is ChatASGIHandler
    finally:
        settings.PATCH_ASGI_HANDLER = True
        importlib.reload(chatsite.asgi)


def test_the_whole_app_works_with_every_patch_off(own_stack, owner):
    """A web process (Django's ASGI handler, plain uvicorn) and a worker (kombu's transport, a
    database connection per task) with every patch off: a reply is sent, streamed and saved, and
    a streamed send works through the stock handler too."""
    stack = own_stack(**{setting: "false" for setting in PATCH_SETTINGS})
    with stack.client(owner) as client:
        assert client.get("/healthz").status_code == 200
        branch = new_branch(client)
        sent = client.post(f"/api/v1/branches/{branch}/messages/", json={"content": "Hello there"})
        assert sent.status_code == 202, sent.text
        reply = read_stream(client, sent.json()["assistant_message"]["id"])
        assert reply.done == {"status": "complete", "kind": "answer", "ended": False}
        assert "Hello there" in reply.text
        with client.stream("POST", f"/api/v1/branches/{branch}/messages/", json={"content": "Again", "stream": True}) as streamed:
            assert streamed.status_code == 202
            assert "event: done" in streamed.read().decode()
