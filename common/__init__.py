"""What several apps share, with no models of its own: the Excel toolkit (``common.excel``) and
the admin helpers (``common.admin``, ``common.choosers``)."""
