"""The station service's local control API: its HTTP server, routes, and the client class.

The CLI and the GUI talk to a running service only through :class:`ControlClient`.
"""

from pywats_client.control.client import ControlClient, ControlError

__all__ = ["ControlClient", "ControlError"]
