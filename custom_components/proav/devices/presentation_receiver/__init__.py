"""Wireless presentation receiver, REST API v1 (``/api/v1/device/...``)."""
