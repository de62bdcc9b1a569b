"""Tests of nbdesk.survey."""
