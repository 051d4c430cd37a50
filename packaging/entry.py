"""PyInstaller entry script: the frozen `pigeonhole` executable runs exactly what `pigeonhole` runs from a venv."""

from __future__ import annotations

import multiprocessing
import sys

from app.cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()  # harmless when unused; required on Windows if a library ever spawns processes
    sys.exit(main())
