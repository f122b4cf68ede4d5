"""The unit's records: profile, key positions, camera siting, staff, room log, maintenance.

Each module validates and stores one kind of record and registers every change in the audit
log; the rules themselves (what the measures require) live in `vigil.regulation`.
"""
