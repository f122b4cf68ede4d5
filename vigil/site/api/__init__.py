"""The site's API routers (vigil.site.app includes them)."""

import vigil.compliance.link_selfcheck  # noqa: F401  (answers the bureau's selfcheck.request)
