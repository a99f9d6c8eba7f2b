"""Route modules, one per WATS domain, discovered by :mod:`pywats_emulator.lifecycle`.

Each module defines ``SCHEMA: str``, optional ``seed(store)``, optional ``prepare(state)``
and ``routes(state) -> list[Route]``. Register paths in lower case; matching ignores case.
"""
