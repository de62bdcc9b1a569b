"""Tests of nbdesk.self_assessment."""
