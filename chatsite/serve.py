"""uvicorn's command line, on uvloop's event loop unless told otherwise.

    python -m chatsite.serve chatsite.asgi:application --host 0.0.0.0 --port 8000 --workers 4

uvloop sets TCP_NODELAY on every TCP connection it accepts. asyncio's loop does so only on sockets
that report IPPROTO_TCP, and with `--workers N` uvicorn binds its listening socket with the
protocol left at 0, so under asyncio every response written in more than one piece (headers,
then body: all of them) waited for the client's delayed ACK, about 40 ms a request on Linux
(Kludex/uvicorn#3149; docs/benchmarks.md). The project used to patch uvicorn's socket for that;
uvloop does it by itself. UVICORN_LOOP (or --loop) still picks another loop.

It also applies the server's limits: forwarding headers only from trusted proxies, keep-alive,
graceful-shutdown and header timeouts (apply_settings below, chatsite/patches/http_deadlines.py, unless PATCH_HTTP_HEADER_DEADLINE is off).
"""

import os
import sys

from uvicorn.main import main

from chatsite.env import env_bool, env_int, env_list
from chatsite.patches import http_deadlines


def apply_settings() -> None:
    """The server's limits from the same environment variables as the app's (docs/security.md),
    as defaults for uvicorn's own options: one given on the command line (or as UVICORN_*) wins.

    - Forwarding headers: believed only from TRUSTED_PROXIES (--forwarded-allow-ips); with none,
      not at all (--no-proxy-headers). uvicorn's own default trusts 127.0.0.1, so any local client
      could name itself in X-Forwarded-For and get a fresh rate-limit budget per request.
    - KEEP_ALIVE_TIMEOUT_SECONDS for an idle connection between requests, and
      GRACEFUL_SHUTDOWN_SECONDS for open requests after SIGTERM. Without it uvicorn waited for
      every open request to finish, and a request stuck waiting (or a reply stream) kept the
      process alive indefinitely; with it they are cancelled, and uvicorn then raises the SIGTERM
      again with its default action, which ends the process whatever its threads are doing.

    It runs before Django's settings are loaded, so it reads the environment directly, with the
    same helpers chatsite/settings/ uses."""
    proxies = env_list("TRUSTED_PROXIES")
    if proxies:
        os.environ.setdefault("UVICORN_FORWARDED_ALLOW_IPS", ",".join(proxies))
    elif not _proxies_named_for_uvicorn():
        os.environ.setdefault("UVICORN_PROXY_HEADERS", "false")
    keep_alive = env_int("KEEP_ALIVE_TIMEOUT_SECONDS", DEFAULT_KEEP_ALIVE_SECONDS, minimum=1)
    os.environ.setdefault("UVICORN_TIMEOUT_KEEP_ALIVE", str(keep_alive))
    graceful = env_int("GRACEFUL_SHUTDOWN_SECONDS", DEFAULT_GRACEFUL_SHUTDOWN_SECONDS, minimum=1)
    os.environ.setdefault("UVICORN_TIMEOUT_GRACEFUL_SHUTDOWN", str(graceful))


def _proxies_named_for_uvicorn() -> bool:
    """Whether the command line or uvicorn's own variables already say which proxies to trust."""
    flags = ("--forwarded-allow-ips", "--proxy-headers", "--no-proxy-headers")
    named_on_command_line = any(arg.split("=", 1)[0] in flags for arg in sys.argv[1:])
    return named_on_command_line or any(name in os.environ for name in ("FORWARDED_ALLOW_IPS", "UVICORN_FORWARDED_ALLOW_IPS"))


DEFAULT_KEEP_ALIVE_SECONDS = 5
DEFAULT_GRACEFUL_SHUTDOWN_SECONDS = 10

# At module level, so that the processes uvicorn spawns for --workers (which import this module
# again, and get the other options from the parent) serve with the header deadline too.
if env_bool("PATCH_HTTP_HEADER_DEADLINE", True):
    http_deadlines.install(env_int("HEADER_TIMEOUT_SECONDS", http_deadlines.DEFAULT_HEADER_TIMEOUT_SECONDS, minimum=1))

if __name__ == "__main__":
    # uvloop turns Nagle's algorithm off on every connection it accepts (see the docstring).
    os.environ.setdefault("UVICORN_LOOP", "uvloop")
    apply_settings()
    sys.exit(main())
