"""Tests of nbdesk.storage."""
