"""The test suite: it mirrors the nbdesk package, area by area."""
