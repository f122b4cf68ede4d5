"""The bureau's app: the public security organ's side of the measures (A3, A4, A6, A13).

A second app on the same core as `vigil.site`: its own home, database, Ed25519 key and
hash-chained audit log of every act of its staff; the link with the units it supervises
(`vigil.link`), the seals they hand over, and `check-site`. See docs/bureau.md.
"""

import vigil.bureau.dashboard_models  # noqa: F401  (every bureau process keeps the dashboard's figures)
