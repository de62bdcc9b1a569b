"""Tests of nbdesk.forms."""
