"""The verification page server."""
