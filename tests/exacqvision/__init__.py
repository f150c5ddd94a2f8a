"""Tests of the exacqVision device type."""
