"""What the page knows about its own request: the query string and how to build links to other apps."""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlencode

from widgets import config


def wait_for_request() -> None:
    """With preheated kernels, block until Voila hands this kernel its request (no-op otherwise).

    A waiting kernel that the server shuts down instead (the server stops, the pool shrinks) never gets one:
    Voila's helper then ends with the closed socket's exception on its thread, and the kernel's reply to the
    notebook's cell would go to sockets already closed, each with a traceback in the facilitator's terminal.
    Such a kernel has nothing left to do: it leaves at once, quietly."""
    try:
        from voila.utils import ENV_VARIABLE
        from voila.utils import wait_for_request as _wait
    except ImportError:  # pragma: no cover - running outside Voila's environment
        return
    if os.environ.get(ENV_VARIABLE.VOILA_PREHEAT, "False") == "False":
        return
    previous = threading.excepthook
    threading.excepthook = lambda _args: None  # the waiting thread's end when the server closes its socket
    try:
        _wait()
    finally:
        threading.excepthook = previous
    if ENV_VARIABLE.QUERY_STRING not in os.environ:  # every request carries one, even empty
        os._exit(0)


@dataclass
class Page:
    """The request of one Voila page: its parameters and where its notebook lives."""

    params: dict = field(default_factory=dict)
    script_name: str = ""
    host: str = ""
    port: str = ""

    @classmethod
    def from_environ(cls, environ: os._Environ | dict | None = None) -> "Page":
        env = os.environ if environ is None else environ
        qs = parse_qs(env.get("QUERY_STRING", "") or "", keep_blank_values=False)
        params = {k: v[0] for k, v in qs.items() if v}
        return cls(params, env.get("SCRIPT_NAME", ""), env.get("SERVER_NAME", ""), env.get("SERVER_PORT", ""))

    def get(self, name: str, default: str = "") -> str:
        return self.params.get(name, default)

    def base(self) -> str:
        """``scheme://host:port`` participants should use, or an empty string when unknown."""
        public = config.public_url()
        if public:
            return public
        if not self.host:
            return ""
        port = f":{self.port}" if self.port and self.port not in ("80", "443") else ""
        scheme = "https" if self.port == "443" else "http"
        return f"{scheme}://{self.host}{port}"

    def link(self, notebook: str, **params: str) -> str:
        """Absolute link to ``notebook`` (a sibling of this page's notebook) with ``params``."""
        folder = self.script_name.rsplit("/", 1)[0] if "/" in self.script_name else "/voila/render"
        query = urlencode({k: v for k, v in params.items() if v})
        return f"{self.base()}{folder}/{notebook}" + (f"?{query}" if query else "")
