"""pywats_emulator: a local WATS-compatible HTTP server for demos, tests and station developers."""
