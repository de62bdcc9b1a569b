"""Tests of nbdesk.ui.self_assessment."""
