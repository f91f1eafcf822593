"""The wall's rows widget: what it sends, and which clicks it obeys."""

from widgets.rows import Action, Rows, row


def test_rows_send_only_changes_and_obey_only_the_buttons_they_show():
    rows = Rows()
    done = []
    rows.on("hide", lambda key: done.append(("hide", key)))
    rows.on("unmerge", lambda key: done.append(("unmerge", key)))
    shown = [row("1", "<b>uno</b>", [Action("hide", "Ocultar", "eye-slash")], cls="cl-wall-entry",
                 sub=[row("1:b", "↳ dos", [Action("unmerge", "Separar")])]),
             row("2", "tres")]
    assert rows.show(shown) is True
    assert rows.show([dict(r) for r in shown]) is False  # the same rows: nothing sent
    assert rows.actions_of("1") == ["hide"] and rows.actions_of("1:b") == ["unmerge"] and rows.actions_of("2") == []

    rows._received(rows, {"key": "1", "action": "hide"}, [])  # as the page sends a click
    rows._received(rows, {"key": "1:b", "action": "unmerge"}, [])
    assert done == [("hide", "1"), ("unmerge", "1:b")]
    # a row without that button, a row no longer shown, an action nobody handles, a malformed message
    rows._received(rows, {"key": "2", "action": "hide"}, [])
    rows._received(rows, {"key": "9", "action": "hide"}, [])
    rows._received(rows, {"key": "1", "action": "delete"}, [])
    rows._received(rows, {"key": 1, "action": "hide"}, [])
    rows._received(rows, ["1", "hide"], [])
    assert done == [("hide", "1"), ("unmerge", "1:b")]
    rows.close()
