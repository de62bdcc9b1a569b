"""Tests of nbdesk.returns."""
