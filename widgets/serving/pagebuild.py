"""A Voila page's first build, without announcing each widget to a browser that is not there yet.

A page's kernel builds the page's widgets before the browser connects to it: Voila runs the notebook, and
the HTML ends only once the cell has run. ipykernel still publishes every widget's opening and every
change made while building (a ``comm_open`` or ``comm_msg`` on IOPub; about 200 for the ¿Sale más feliz?
page). Each one is JSON-cleaned, signed and sent by the kernel, then received and decoded by the server,
and nobody reads it: the page's front end asks for the state of every widget in one message once it connects
(ipywidgets 8's control comm, ``request_states``, which reads the kernel's live widgets). On two cores,
with the browser loading the page at the same moment, that traffic made up about a third of the build.

:func:`quiet` keeps those messages in the kernel while the page is built. The comms are registered as
usual, so the front end's messages reach the widgets. Outside a Voila page (JupyterLab, nbval), where a
connected front end learns of widgets from these very messages, it does nothing.

:func:`rehearse` builds an exercise's view once, on a throwaway room in memory, in the kernel template (or, for
a kernel started as a process, while it waits for its request): the first build of a view in a fresh kernel costs about twice the next ones (traitlets set up
each widget class, pandas and SQLAlchemy take their first paths), and the participant should not wait for that.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from typing import Iterator

#: Comm messages a page's build keeps to itself (what the front end reads through ``request_states``; a
#: widget closed before the front end connects was never announced, so its closing is not either).
SILENCED = ("comm_open", "comm_msg", "comm_close")
#: Set by Voila in every page kernel, preheated or not.
VOILA_KERNEL = "VOILA_KERNEL_ID"


def in_voila_page() -> bool:
    return bool(os.environ.get(VOILA_KERNEL))


@contextmanager
def quiet() -> Iterator[None]:
    """Build a Voila page's widgets without publishing their openings and updates (no-op elsewhere)."""
    if not in_voila_page():
        yield
        return
    from ipykernel.comm.comm import BaseComm
    from ipykernel.kernelbase import Kernel

    publish = BaseComm.publish_msg

    def publish_after_build(self, msg_type, *args, **kwargs):
        if msg_type in SILENCED:
            # What publishing would have done: a comm learns its kernel on its first message, and ipywidgets
            # sends a widget's later changes only through a comm that knows its kernel.
            if self.kernel is None and Kernel.initialized():
                self.kernel = Kernel.instance()
            return None
        return publish(self, msg_type, *args, **kwargs)

    BaseComm.publish_msg = publish_after_build
    try:
        yield
    finally:
        BaseComm.publish_msg = publish


#: Views already rehearsed in this process (or in the kernel template it was forked from).
REHEARSED: set[str] = set()


def rehearse(exercise_id: str) -> None:
    """Build ``exercise_id``'s participant view on a throwaway room in memory, then close every widget it made
    (once per process: a kernel forked from the template finds the template's rehearsals done)."""
    if exercise_id in REHEARSED:
        return
    REHEARSED.add(exercise_id)
    from ipywidgets.widgets.widget import _instances

    from widgets.workshops import registry as exercises
    from widgets.i18n import Translator
    from widgets.room.store import Store

    before = set(_instances)
    with quiet():
        scratch = Store("sqlite://")
        try:
            room, _key = scratch.create_room("·", "bank", "es")
            person, _token = scratch.join(room, "·", "·")
            exercises.get(exercise_id).participant(scratch, room, person, Translator("es"))
        finally:
            for model_id in set(_instances) - before:
                _instances[model_id].close()
            scratch.dispose()
