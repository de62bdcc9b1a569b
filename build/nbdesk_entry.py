# The bundle's entry point (PyInstaller needs a script, not a module name).
import sys

from nbdesk.__main__ import main

sys.exit(main())
