"""The device libraries: one folder per device type, and what they share.

Nothing here imports Home Assistant at import time, so a client module (``client.py``,
``models.py`` and the other library modules of a folder) imports without it. The registry of
device types lives in ``..registry``.
"""
