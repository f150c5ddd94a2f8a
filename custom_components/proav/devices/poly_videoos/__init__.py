"""Poly VideoOS (G7500, Studio X30/X50/X70): REST client and models, no Home Assistant."""
