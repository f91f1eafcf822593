"""The wall's rows widget: what it sends, and which clicks it obeys."""

from widgets.ui.rows import Action, Rows, row


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


def test_a_long_list_is_sent_one_page_at_a_time_and_clicks_reach_only_what_is_on_screen():
    from widgets.ui.rows import Choice

    rows = Rows(page_size=10)
    chosen, clicked = [], []
    rows.on("plus", clicked.append)
    rows.on_choose(lambda key, group, value: chosen.append((key, group, value)))
    scale = [(v, str(v), f"Daño {v}") for v in range(1, 6)]
    all_rows = [row(str(i), f"vaca {i}", [Action("plus", "+", "", "", f"Votar por {i}")],
                    choices=[Choice("harm", "Daño", scale, None)]) for i in range(300)]
    rows.show(all_rows)
    assert rows.total == 300 and len(rows.rows) == 10 and rows.rows[0]["key"] == "0"
    assert rows.page_of("57") == 5 and rows.page_of("nope") is None
    assert rows.click("57", "plus") is False  # not on screen: a forged or stale message does nothing
    rows._received(rows, {"action": "page", "value": 5}, [])  # the pager's "next" as the page sends it
    assert rows.page == 5 and [r["key"] for r in rows.rows] == [str(i) for i in range(50, 60)]
    assert rows.click("57", "plus") and clicked == ["57"]
    rows._received(rows, {"key": "57", "action": "choose", "group": "harm", "value": 4}, [])
    rows._received(rows, {"key": "57", "action": "choose", "group": "harm", "value": 9}, [])  # not an option
    rows._received(rows, {"key": "57", "action": "choose", "group": "value", "value": 4}, [])  # not a choice
    rows._received(rows, {"key": "3", "action": "choose", "group": "harm", "value": 4}, [])  # not on screen
    assert chosen == [("57", "harm", 4)]
    # the list shrinks under the page: the page moves back to the last one there is
    rows.show(all_rows[:25])
    assert rows.page == 2 and [r["key"] for r in rows.rows] == ["20", "21", "22", "23", "24"]
    rows._received(rows, {"action": "page", "value": -3}, [])
    assert rows.page == 0
    rows.close()
