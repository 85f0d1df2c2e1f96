"""Writes about outreach work. Each function validates, then saves inside one transaction."""

from __future__ import annotations
