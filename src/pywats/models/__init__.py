"""Pydantic request/response models of the WATS API, one module per domain."""
