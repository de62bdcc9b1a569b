"""The lists' search proxy (issue 16): every typed word in any order and case, the chosen row kept
on the same person while they are still shown, and showing a list that costs the same per screen
however many people it holds (nothing is asked of each row unless something is typed)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableView
from pytestqt.qtbot import QtBot

from nbdesk.ui.table_models import ROW_ROLE, Column, ListModel, SearchProxy


@dataclass(frozen=True)
class Person:
    name: str
    unique_id: str


COLUMNS = [Column("Name", lambda p: p.name), Column("Unique id", lambda p: p.unique_id)]
PEOPLE = [
    Person("Bea Puddlewick", "B001"),
    Person("Cai Thistlebottom", "B002"),
    Person("Bea Amberly", "B003"),
    Person("Dara Puddlefinch", "B004"),
]


def shown(proxy: SearchProxy) -> list[str]:
    return [proxy.index(r, 1).data() for r in range(proxy.rowCount())]


def listed(qtbot: QtBot, rows: list[Person]) -> tuple[ListModel[Person], SearchProxy, QTableView]:
    model: ListModel[Person] = ListModel(COLUMNS)
    proxy = SearchProxy(lambda p: f"{p.name} {p.unique_id}")
    proxy.setSourceModel(model)
    view = QTableView()
    view.setModel(proxy)
    qtbot.addWidget(view)
    view.resize(600, 300)
    view.show()
    qtbot.waitExposed(view)
    model.set_rows(rows)
    return model, proxy, view


def test_every_word_in_any_order_and_case(qtbot: QtBot) -> None:
    model, proxy, _view = listed(qtbot, PEOPLE)
    assert shown(proxy) == ["B001", "B002", "B003", "B004"]
    assert proxy.headerData(0, Qt.Orientation.Horizontal) == "Name"
    proxy.set_search("PUDDLE")
    assert shown(proxy) == ["B001", "B004"]
    proxy.set_search("puddle  bea")
    assert shown(proxy) == ["B001"]
    proxy.set_search("b00 BEA")
    assert shown(proxy) == ["B001", "B003"]
    # Each shown row is the source's row, both ways.
    second = proxy.index(1, 0)
    assert proxy.mapToSource(second).row() == 2
    assert proxy.mapFromSource(model.index(2, 1)) == proxy.index(1, 1)
    assert not proxy.mapFromSource(model.index(1, 0)).isValid()  # Cai is not shown
    assert second.data(ROW_ROLE) is PEOPLE[2]
    proxy.set_search("nobody")
    assert shown(proxy) == [] and not proxy.index(0, 0).isValid()
    proxy.set_search("")
    assert shown(proxy) == ["B001", "B002", "B003", "B004"]


def test_the_chosen_person_stays_chosen_while_shown(qtbot: QtBot) -> None:
    """As with Qt's own filter: the chosen person stays chosen while shown; when they go, the
    person above them (or below, at the top) is chosen, and the view says so."""
    _model, proxy, view = listed(qtbot, PEOPLE)
    chosen: list[str] = []
    view.selectionModel().currentRowChanged.connect(
        lambda now, _before: chosen.append(now.data(ROW_ROLE).unique_id if now.isValid() else "")
    )
    view.setCurrentIndex(proxy.index(2, 0))  # Bea Amberly
    proxy.set_search("bea")
    assert view.currentIndex().row() == 1
    assert view.currentIndex().data(ROW_ROLE).unique_id == "B003"
    proxy.set_search("")
    assert view.currentIndex().data(ROW_ROLE).unique_id == "B003"
    assert chosen == ["B003"]  # moving with the rows is not choosing another
    proxy.set_search("puddle")  # she goes, with Cai above her: Bea Puddlewick is chosen
    assert view.currentIndex().data(ROW_ROLE).unique_id == "B001"
    assert shown(proxy) == ["B001", "B004"]
    proxy.set_search("dara")  # from the top: the one below
    assert view.currentIndex().data(ROW_ROLE).unique_id == "B004"
    proxy.set_search("nobody")
    assert not view.currentIndex().isValid()
    assert chosen == ["B003", "B001", "B004", ""]


def test_new_rows_are_searched_by_their_own_names(qtbot: QtBot) -> None:
    model, proxy, _view = listed(qtbot, PEOPLE)
    proxy.set_search("bea")
    assert shown(proxy) == ["B001", "B003"]
    model.set_rows([Person("Beatrix Quill", "C001"), Person("Eli Marrow", "C002")])
    assert shown(proxy) == ["C001"]
    model.set_rows([])
    assert shown(proxy) == []


def test_showing_a_list_runs_as_much_python_for_200_people_as_for_20000(qtbot: QtBot) -> None:
    """With nothing typed, nothing is done for each row but those painted: showing 20,000 people
    runs as many Python calls as showing 200 (a screen's worth), and builds no search text. (A
    QSortFilterProxyModel with a Python filter called it once for every row.)"""
    import sys

    def calls_to_show(count: int) -> tuple[int, int]:
        searched: list[Any] = []
        model: ListModel[Person] = ListModel(COLUMNS)
        proxy = SearchProxy(lambda p: searched.append(p) or p.name)
        proxy.setSourceModel(model)
        view = QTableView()
        view.setModel(proxy)
        qtbot.addWidget(view)
        view.resize(600, 300)
        view.show()
        qtbot.waitExposed(view)
        rows = [Person(f"Person {n}", f"P{n:05d}") for n in range(count)]
        calls = [0]

        def count_calls(_frame: Any, event: str, _arg: Any) -> None:
            if event == "call":
                calls[0] += 1

        sys.setprofile(count_calls)
        try:
            model.set_rows(rows)
            view.repaint()
        finally:
            sys.setprofile(None)
        return calls[0], len(searched)

    few, searched_few = calls_to_show(200)
    many, searched_many = calls_to_show(20_000)
    assert few > 0 and searched_few == searched_many == 0
    assert many <= few * 1.2 + 50, (few, many)
