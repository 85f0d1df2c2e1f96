"""Writes about needs, rounds, ballots and programmes. Each validates, then saves inside one
transaction."""

from __future__ import annotations
