"""The Returns section of the main window."""
