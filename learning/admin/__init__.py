"""Wagtail admin of training, one module per admin area."""
