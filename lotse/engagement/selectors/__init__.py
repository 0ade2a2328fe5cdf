"""Reads of the engagement module, scoped to the viewer, one module per area."""
