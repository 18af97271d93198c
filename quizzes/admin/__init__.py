"""Wagtail admin of the question bank and quizzes, one module per admin area."""
