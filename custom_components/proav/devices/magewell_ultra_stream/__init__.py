"""Magewell Ultra Stream HDMI / SDI: usapi HTTP client, multicast discovery, Bluetooth LE."""
