"""Embedded mode: SQLite under var/, used by `make demo`."""

from .base import *  # noqa: F403

DEBUG = False
