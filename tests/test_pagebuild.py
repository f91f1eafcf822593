"""A page's build in a real kernel: widgets built quietly are not announced, yet the front end's one request
for every widget's state (ipywidgets 8's control comm) returns them, and their comms answer the page."""

from __future__ import annotations

import os
import queue
import uuid

import pytest
from jupyter_client.manager import start_new_kernel

from widgets.serving import pagebuild
from widgets.config import ROOT

BUILD = """
import os
os.environ["VOILA_KERNEL_ID"] = {voila!r}
import ipywidgets as W
from widgets.serving.pagebuild import quiet
with quiet():
    quiet_box = W.VBox([W.Button(description="first")])
    quiet_box.children[0].description = "changed while building"
    gone = W.Label("closed while building")
    gone_id = gone.model_id
    gone.close()
after = W.Button(description="after")
print(quiet_box.model_id, quiet_box.children[0].model_id, gone_id, after.model_id)
"""


@pytest.fixture(scope="module")
def kernel():
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH", "")])))
    km, kc = start_new_kernel(kernel_name="python3", cwd=str(ROOT), env=env)
    try:
        yield kc
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def _run(kc, code: str) -> tuple[str, list[dict]]:
    """Execute ``code``; its printed text and every IOPub message it caused, until the kernel is idle."""
    msg_id = kc.execute(code)
    text, messages = "", []
    while True:
        msg = kc.get_iopub_msg(timeout=60)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        messages.append(msg)
        if msg["msg_type"] == "stream":
            text += msg["content"]["text"]
        if msg["msg_type"] == "error":
            raise AssertionError("\n".join(msg["content"]["traceback"]))
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return text, messages


def _comm_ids(messages: list[dict], msg_type: str) -> set[str]:
    return {m["content"]["comm_id"] for m in messages if m["msg_type"] == msg_type}


def _request_states(kc) -> dict:
    """What the page's front end does on connecting: open the control comm and ask for every state."""
    comm_id = uuid.uuid4().hex
    from ipywidgets._version import __control_protocol_version__

    kc.shell_channel.send(kc.session.msg("comm_open", {"comm_id": comm_id, "target_name": "jupyter.widget.control",
                                                       "data": {}},
                                         metadata={"version": __control_protocol_version__}))
    kc.shell_channel.send(kc.session.msg("comm_msg", {"comm_id": comm_id, "data": {"method": "request_states"}}))
    while True:
        try:
            msg = kc.get_iopub_msg(timeout=60)
        except queue.Empty:
            raise AssertionError("no answer to request_states") from None
        content = msg["content"]
        if msg["msg_type"] == "comm_msg" and content.get("comm_id") == comm_id:
            assert content["data"]["method"] == "update_states"
            return content["data"]["states"]


def test_a_voila_page_builds_quietly_and_the_front_end_still_gets_every_widget(kernel):
    text, messages = _run(kernel, BUILD.format(voila="page-kernel"))
    box, button, gone, after = text.split()
    announced = _comm_ids(messages, "comm_open")
    assert not announced & {box, button, gone}  # built quietly: not one opening on IOPub ...
    assert not _comm_ids(messages, "comm_msg") & {box, button}  # ... nor a change
    assert not _comm_ids(messages, "comm_close")
    assert after in announced  # once built, widgets are announced as usual (rows added to a live page)

    states = _request_states(kernel)
    assert states[button]["state"]["description"] == "changed while building"
    assert states[box]["state"]["children"] == [f"IPY_MODEL_{button}"]
    assert gone not in states
    # the quiet widget's comm is registered: a click from the page reaches it
    _run(kernel, f"from ipywidgets.widgets.widget import _instances\nclicks = []\n"
                 f"_instances[{button!r}].on_click(lambda b: clicks.append(1))")
    kernel.shell_channel.send(kernel.session.msg("comm_msg", {"comm_id": button, "data": {
        "method": "custom", "content": {"event": "click"}}}))
    text, _ = _run(kernel, "print(len(clicks))")
    assert text.strip() == "1"
    # and what the kernel changes afterwards reaches the page (a saved answer, a new message)
    _, messages = _run(kernel, f"_instances[{button!r}].description = 'changed after'")
    updates = [m["content"]["data"] for m in messages if m["msg_type"] == "comm_msg" and m["content"]["comm_id"] == button]
    assert updates == [{"method": "update", "state": {"description": "changed after"}, "buffer_paths": []}]


def test_outside_voila_widgets_are_announced_as_jupyter_expects(kernel):
    text, messages = _run(kernel, BUILD.format(voila="").replace(
        'os.environ["VOILA_KERNEL_ID"] = \'\'', 'os.environ.pop("VOILA_KERNEL_ID", None)'))
    box, button, _gone, after = text.split()
    assert {box, button, after} <= _comm_ids(messages, "comm_open")
    assert button in _comm_ids(messages, "comm_msg")  # the change made while building was sent


@pytest.mark.parametrize("exercise", ["feliz", "varita", "vacas", "clientes", "clientelitis"])
def test_a_rehearsal_leaves_no_widget_and_no_room_behind(exercise, tmp_path, monkeypatch):
    from ipywidgets.widgets.widget import _instances

    from widgets.room.store import Store

    monkeypatch.setenv("CLIENTELITIS_DB_URL", f"sqlite:///{tmp_path / 'real.sqlite3'}")
    real = Store()
    before = set(_instances)
    pagebuild.rehearse(exercise)
    assert set(_instances) == before
    assert real.list_rooms(include_archived=True) == []  # the throwaway room lived in memory only
