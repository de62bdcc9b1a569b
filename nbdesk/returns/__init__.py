"""Returns for the central team (xlsx) and reports people can print (PDF).

Nothing here imports Qt, and the heavy libraries (openpyxl, reportlab) are imported only inside the
functions that write files, so the Returns section can be loaded without them.
"""
