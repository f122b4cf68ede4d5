"""Filings (备案): the document a unit files with its county bureau, its history, and the
deadlines the bureau's overdue lists are made from (A13, N14).

The package is shared by both apps (the site files, the bureau reviews); it holds no web
code. `deadlines` is pure (dates in, states out); `document` builds, signs and verifies
the filing document; `submission` keeps the unit's filings and their states.
"""
