"""Tests of nbdesk.ui."""
