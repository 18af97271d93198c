"""Wagtail admin of the content app."""
