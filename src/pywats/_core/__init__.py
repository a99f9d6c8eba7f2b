"""The HTTP core: pure decision code plus one async shell (:class:`AsyncHttpCore`)."""
