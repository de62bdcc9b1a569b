"""nbdesk: the New Belongings desk for one local authority's leaving-care service."""

__version__ = "0.1.0"
