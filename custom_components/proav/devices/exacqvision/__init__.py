"""exacqVision Web Service API v1: client and typed models (no Home Assistant imports)."""
