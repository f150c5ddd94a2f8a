"""ATEN VP2730 presentation switch: REST v2.0 client and Socket.IO push (no Home Assistant)."""
