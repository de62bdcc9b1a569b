"""Tests of nbdesk.common."""
