"""pywats_ui: the Qt configurator GUI; it talks to the station service only via its control API."""
