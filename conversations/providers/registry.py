import importlib

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from conversations.providers.base import Provider

BUILTIN_PROVIDERS = {
    "local": "conversations.providers.local:LocalProvider",
}


def available_providers() -> dict[str, str]:
    providers = dict(BUILTIN_PROVIDERS)
    for entry in settings.LLM_EXTRA_PROVIDERS:
        name, sep, path = entry.partition("=")
        if not sep or ":" not in path:
            raise ImproperlyConfigured(f"LLM_EXTRA_PROVIDERS entries look like name=module:Class, got {entry!r}")
        providers[name.strip()] = path.strip()
    return providers


def get_provider(name: str) -> Provider:
    path = available_providers().get(name)
    if path is None:
        raise ImproperlyConfigured(f"Unknown LLM provider {name!r}; known: {', '.join(available_providers())}")
    module_name, _, class_name = path.partition(":")
    provider_class = getattr(importlib.import_module(module_name), class_name)
    return provider_class()
