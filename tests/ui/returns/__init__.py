"""Tests of nbdesk.ui.returns."""
