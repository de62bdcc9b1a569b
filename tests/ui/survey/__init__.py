"""Tests of nbdesk.ui.survey."""
