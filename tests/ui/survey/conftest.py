"""The Survey section, shown on the test module's own file (each module gives `db_path`)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from nbdesk.storage import Database
from tests.support.qt import settle


@pytest.fixture
def section(qtbot: Any, db_path: Path) -> Iterator[Any]:
    from nbdesk.ui.survey.section import SurveySection
    from tests.ui.survey.test_survey_ui import open_in

    db = Database(db_path)
    widget = SurveySection()
    qtbot.addWidget(widget)
    open_in(qtbot, widget, db)
    widget.resize(1300, 850)
    widget.show()
    qtbot.waitExposed(widget)
    settle(qtbot)
    yield widget
    db.close()
