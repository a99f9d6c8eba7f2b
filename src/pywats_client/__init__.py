"""pywats_client: the headless WATS station service (watch folders, durable queue, upload)."""
