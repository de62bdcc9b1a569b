"""Small pieces every area shares: the clock, and (as the areas settle) text, figures and files.

Nothing here imports Qt or SQLAlchemy, so any layer may use it.
"""
