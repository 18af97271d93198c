"""Wagtail admin registrations for programmes, items, attendance and certificates."""
