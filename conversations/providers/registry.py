import importlib
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from chatsite.env import env_raw

from conversations.providers.base import Provider

BUILTIN_PROVIDERS = {
    "local": "conversations.providers.local:LocalProvider",
    "anthropic": "conversations.providers.anthropic:AnthropicProvider",
    "openai": "conversations.providers.openai_compat:OpenAICompatProvider",
}

# The variables the SDKs read themselves; either one set means the provider is meant to be used.
_SDK_VARIABLES = {
    "anthropic": ("ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL"),
    "openai": ("OPENAI_API_KEY", "OPENAI_BASE_URL"),
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


@dataclass(frozen=True)
class ModelChoice:
    provider: str
    model: str
    default: bool = False


def model_choices() -> list[ModelChoice]:
    """The provider and model pairs a new conversation may use, the default first.

    LLM_CHOICES lists them explicitly (provider:model, or a bare provider for its default model).
    Otherwise: the default, the offline `local` provider, every real provider whose SDK finds a
    key or base URL in the environment, and the deployment's extra providers.
    """
    default = ModelChoice(settings.LLM_PROVIDER, settings.LLM_MODEL or get_provider(settings.LLM_PROVIDER).default_model, True)
    pairs = []
    if settings.LLM_CHOICES:
        for entry in settings.LLM_CHOICES:
            provider, _, model = entry.partition(":")
            pairs.append((provider.strip(), model.strip() or get_provider(provider.strip()).default_model))
    else:
        for name in available_providers():
            variables = _SDK_VARIABLES.get(name)
            if variables is None or any(env_raw(variable) for variable in variables):
                pairs.append((name, get_provider(name).default_model))
    choices = [default]
    for provider, model in pairs:
        if (provider, model) not in {(choice.provider, choice.model) for choice in choices}:
            choices.append(ModelChoice(provider, model))
    return choices


def resolve_choice(*, provider: str | None, model: str | None) -> ModelChoice | None:
    """The configured choice a request names: both parts, or a provider alone (its first model),
    or a model alone (when one provider offers it). None when nothing configured matches."""
    choices = model_choices()
    if not provider and not model:
        return choices[0]
    matches = [
        choice
        for choice in choices
        if (not provider or choice.provider == provider) and (not model or choice.model == model)
    ]
    if model and not provider and len({choice.provider for choice in matches}) > 1:
        return None
    return matches[0] if matches else None
