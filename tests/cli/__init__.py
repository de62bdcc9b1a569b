"""Tests of nbdesk.cli."""
