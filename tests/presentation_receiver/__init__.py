"""Tests of the wireless presentation receiver device type."""
