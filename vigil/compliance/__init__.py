"""The unit's self-check against the measures, and the filing form (A13.2).

- `evidence`: the figures, read from the index;
- `duties`: the table article → check → finding (met / not_met / needs_evidence);
- `report`: gathering, evaluating and signing the report with the site key;
- `pdf`, `filing`: the PDFs in Chinese (CJK font from Debian's fonts-noto-cjk).
"""

from vigil.compliance.report import (
    DEFAULT_PERIOD_DAYS,
    REPORT_TYPE,
    build_report,
    report_bytes,
    verify_report,
)

__all__ = ["DEFAULT_PERIOD_DAYS", "REPORT_TYPE", "build_report", "report_bytes", "verify_report"]
