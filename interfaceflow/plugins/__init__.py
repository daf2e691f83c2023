"""Calculator plugins: protocol, entry-point registry and the built-in MLIPs."""
