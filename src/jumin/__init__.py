"""Jumin (住民): resident record system (住民記録システム) for Japanese municipalities."""

__version__ = "0.1.0"
