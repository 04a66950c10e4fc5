"""The Qt bindings themselves: a long session must not wear the interpreter down.

PySide6 6.12.0 dropped a reference to ``None`` on every call from a signal into a Python slot;
after enough typing, clicking and timers, ``None`` was freed and the app aborted. The pinned
release must not do that.
"""

import sys

from PySide6.QtWidgets import QButtonGroup, QLineEdit, QRadioButton


def test_signals_into_python_slots_keep_every_reference(qtbot):
    edit = QLineEdit()
    qtbot.addWidget(edit)
    seen = []
    edit.textChanged.connect(seen.append)
    group = QButtonGroup()
    first, second = QRadioButton(), QRadioButton()
    group.addButton(first, 0)
    group.addButton(second, 1)
    group.idToggled.connect(lambda _id, _on: None)
    before = sys.getrefcount(None)
    for number in range(500):
        edit.setText(str(number))
        (first if number % 2 else second).setChecked(True)
    assert len(seen) == 500  # the slots really ran
    assert sys.getrefcount(None) - before > -50  # 6.12.0 lost about 1,500 here
