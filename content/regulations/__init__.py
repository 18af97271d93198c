"""Regulation texts: splitting a document into articles (``parse``), reading uploaded files
(``files``), editing a split before it is saved (``edits``) and matching a new text's articles
to an existing page's (``matching``). Pure functions; the writes are in ``content.services``."""
