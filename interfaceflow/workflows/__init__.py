"""jobflow Makers and Flows for interface studies."""
