"""The register's JSON API under /api/v1/ (DRF): channels, their workflow, the schema and its docs."""
