# PyInstaller runtime hook: portable mode.
# A file named portable.txt beside the executable keeps all data in data/ beside it (a USB stick or
# a shared folder an IT team deploys), unless NBDESK_DATA_DIR already says otherwise. nbdesk.common.paths
# honours NBDESK_DATA_DIR, so this is the only place portable mode is decided.
import os
import sys
from pathlib import Path

_exe_dir = Path(sys.executable).resolve().parent
if (_exe_dir / "portable.txt").exists():
    os.environ.setdefault("NBDESK_DATA_DIR", str(_exe_dir / "data"))
    # The stick moves between computers: an encrypted file there is opened by passphrase, never by
    # a key left in one computer's credential store (nbdesk.storage.encryption).
    os.environ.setdefault("NBDESK_PORTABLE", "1")
