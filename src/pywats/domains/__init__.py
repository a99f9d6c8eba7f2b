"""Hand-written async domain classes, one module per WATS API area."""
