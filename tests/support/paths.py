"""Where the tests' own files are."""

from __future__ import annotations

from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
DATA = TESTS / "data"  # saved lists, workbooks and databases from earlier schemas
ROOT = TESTS.parent  # the checkout
