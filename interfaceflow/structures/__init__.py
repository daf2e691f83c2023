"""Bulk phase library with provenance, and the slab and interface builders."""
