"""The Action plan section: plans, their themes and actions, updates, reviews and undo."""
