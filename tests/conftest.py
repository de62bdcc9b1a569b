"""Test configuration: Qt offscreen, a private data folder per test, and a demonstration template."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

# Set before anything imports Qt: the tests run on machines with no screen.
os.environ["QT_QPA_PLATFORM"] = "offscreen"


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own data folder, so nothing touches a real user's files or settings."""
    folder = tmp_path / "data"
    folder.mkdir()
    monkeypatch.setenv("NBDESK_DATA_DIR", str(folder))
    return folder


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from nbdesk.demo import create_demo

    path = tmp_path_factory.mktemp("template") / "demo.nbdesk"
    create_demo(path, "small").close()
    return path


@pytest.fixture
def demo_file(demo_template: Path, tmp_path: Path) -> Path:
    """A fresh copy of the small demonstration authority for one test to change."""
    target = tmp_path / "demo.nbdesk"
    shutil.copyfile(demo_template, target)
    return target
