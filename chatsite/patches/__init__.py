"""Patches of framework and library internals, fenced.

Each patch here was measured (docs/benchmarks.md) and each reaches into code its library does not
promise to keep. So each one:
- has a setting that turns it off and falls back to the stock component (.env.example);
- names the library versions it was tested with; on any other version the system check below
  fails, and every process refuses to start (`manage.py check`/`migrate`, the ASGI application,
  the Celery worker), instead of breaking at run time. Test the patch on the new version and add
  it here, or turn the patch off;
- is run with its switch off by tests/chatsite/test_patches.py.
"""

from dataclasses import dataclass
from importlib import metadata

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class Patch:
    module: str
    # The setting that turns it on (True, the default) or off (False, the stock component).
    setting: str
    # Distribution name -> the versions the patch was tested with (requirements.txt pins them).
    tested: dict[str, tuple[str, ...]]

    @property
    def enabled(self) -> bool:
        return bool(getattr(settings, self.setting))


PATCHES = (
    Patch("chatsite.patches.asgi_handler", "PATCH_ASGI_HANDLER", {"Django": ("5.2.19",), "asgiref": ("3.13.0",)}),
    Patch("chatsite.patches.kombu_transport", "PATCH_KOMBU_TRANSPORT", {"kombu": ("5.7.0",), "redis": ("8.1.0",)}),
    Patch("chatsite.patches.http_deadlines", "PATCH_HTTP_HEADER_DEADLINE", {"uvicorn": ("0.54.0",), "h11": ("0.16.0",)}),
    Patch("chatsite.patches.redis_pipelining", "PATCH_REDIS_PIPELINING", {"redis": ("8.1.0",)}),
    Patch("chatsite.patches.worker_db_connections", "PATCH_WORKER_DB_CONNECTIONS", {"Django": ("5.2.19",), "celery": ("5.7.0",)}),
)


def installed_version(distribution: str) -> str | None:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


@checks.register(checks.Tags.compatibility)
def check_patched_versions(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """An error for every enabled patch whose library is at a version it was not tested with."""
    errors = []
    for patch in PATCHES:
        if not patch.enabled:
            continue
        for distribution, versions in patch.tested.items():
            found = installed_version(distribution)
            if found not in versions:
                errors.append(
                    checks.Error(
                        f"{patch.module} patches {distribution} and was tested with {', '.join(versions)}, "
                        f"but {distribution} {found or '(not installed)'} is installed.",
                        hint=f"Test the patch with this version and list it in chatsite/patches/__init__.py, "
                        f"or set {patch.setting}=false to use the stock component.",
                        id="chatsite.E001",
                    )
                )
    return errors


def verify() -> None:
    """Refuse to start on an untested library version, in processes that run no system checks
    (the ASGI server, Celery workers)."""
    errors = check_patched_versions()
    if errors:
        raise ImproperlyConfigured("\n".join(f"{error.msg} {error.hint}" for error in errors))
