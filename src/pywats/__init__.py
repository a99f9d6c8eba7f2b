"""pywats: an async-first client library for the WATS REST API.

Heavy submodules load lazily so that ``import pywats`` stays cheap on a test station:
import what you use, e.g. ``from pywats.report import UUTReport``.
"""

from pywats._version import __version__
from pywats.exceptions import WatsError

__all__ = ["WatsError", "__version__"]
