"""The main window's sections. Each is a QWidget with `title` and `set_database(db)`."""
