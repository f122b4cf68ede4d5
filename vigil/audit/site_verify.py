"""`vigil verify` of a whole site: the recordings and the audit log under the same seals.

The audit chain (A17.2(2)) is sealed with the camera chains, so one run checks both;
`vigil.integrity.verify` knows nothing of the audit log, which is checked here.
"""

from __future__ import annotations

from vigil.audit.log import AUDIT_CHAIN
from vigil.audit.verify import check_audit
from vigil.context import SiteContext
from vigil.integrity.verify import Progress, VerifyReport, verify


def verify_site(
    ctx: SiteContext,
    camera: str | None = None,
    *,
    rehash: bool = True,
    progress: Progress | None = None,
) -> VerifyReport:
    """Every camera (or one) and, for the whole site, the audit log too."""
    return verify(
        ctx, camera, rehash=rehash, progress=progress, other_chains={AUDIT_CHAIN: check_audit}
    )
