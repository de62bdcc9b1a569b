"""Instruments as data: the framework file format, its loading and validation, and scoring.

Nothing here imports Qt or touches the database, so the rules can be checked on their own.
"""
