"""``python -m pywats_emulator``: the same as the ``pywats-emulator`` console script."""

import sys

from pywats_emulator.cli import main

sys.exit(main())
