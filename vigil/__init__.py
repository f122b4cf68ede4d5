"""Vigil: public-safety video system."""

__version__ = "0.1.0"
