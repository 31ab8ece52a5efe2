"""The program PyInstaller freezes (vmd.spec): the same `main()` as the `vmd` command."""

import multiprocessing
import sys

from app.__main__ import main

if __name__ == "__main__":
    multiprocessing.freeze_support()  # a frozen program re-executes itself for worker processes
    sys.exit(main())
