"""The Voila server's log as a facilitator reads it: what goes wrong, not what is expected to happen.

A participant who closes or reloads a page while the server is still sending it live updates leaves behind
writes to a websocket that is gone. jupyter_server does not wait for those writes, so each failed one ends as a
"Task exception was never retrieved" traceback (tornado's ``WebSocketClosedError``) printed by asyncio in the
facilitator's terminal, though nothing was lost: the page is gone. :func:`quiet_closed_pages` drops exactly
those reports and passes every other one on as before; pyzmq's notice of messages from the kernel of a page
that has just closed (``CLOSED_STREAM``) is left out likewise.
"""

from __future__ import annotations

import asyncio
import logging

from tornado.iostream import StreamClosedError
from tornado.websocket import WebSocketClosedError

#: What a write to a page that has left raises.
PAGE_GONE = (WebSocketClosedError, StreamClosedError)


def page_gone(context: dict) -> bool:
    """Is this loop error report one of a write to a page that has left?"""
    return isinstance(context.get("exception"), PAGE_GONE)


#: pyzmq's report of messages arriving from a kernel whose page has just closed (its streams are already shut).
CLOSED_STREAM = "Got events for closed stream"


class _WithoutClosedStreams(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(CLOSED_STREAM)


def pages_may_leave_while_connecting() -> None:
    """A page closed while its kernel's websocket is being opened (a reload in a join storm) makes
    jupyter_server's handler lose its connection mid-handshake, then fail with an ``AttributeError`` traceback
    (and a second one from its error page). The handshake of a page that has left ends quietly instead: tornado
    aborts a handshake whose subprotocol choice raises ``ValueError``, and closing an already closed handler
    does nothing. Everything else is jupyter_server's own code, unchanged (checked by tests/test_lean_kernels.py)."""
    from jupyter_server.services.kernels.websocket import KernelWebsocketHandler

    if getattr(KernelWebsocketHandler, "_clientelitis_quiet", False):
        return
    select, close = KernelWebsocketHandler.select_subprotocol, KernelWebsocketHandler.on_close

    def select_subprotocol(self, subprotocols):
        if getattr(self, "connection", None) is None:
            raise ValueError("the page left while its kernel's websocket was being opened")
        return select(self, subprotocols)

    def on_close(self):
        if getattr(self, "connection", None) is not None:
            close(self)

    KernelWebsocketHandler.select_subprotocol = select_subprotocol
    KernelWebsocketHandler.on_close = on_close
    KernelWebsocketHandler._clientelitis_quiet = True


def quiet_closed_pages(loop: asyncio.AbstractEventLoop | None = None) -> None:
    """Install, on the server's loop, a handler that skips :func:`page_gone` reports (once per loop)."""
    general = logging.getLogger("tornado.general")
    if not any(isinstance(f, _WithoutClosedStreams) for f in general.filters):
        general.addFilter(_WithoutClosedStreams())
    loop = loop or asyncio.get_event_loop()
    previous = loop.get_exception_handler()
    if getattr(previous, "skips_closed_pages", False):
        return

    def handler(loop: asyncio.AbstractEventLoop, context: dict) -> None:
        if page_gone(context):
            return
        if previous is not None:
            previous(loop, context)
        else:
            loop.default_exception_handler(context)

    handler.skips_closed_pages = True
    loop.set_exception_handler(handler)
