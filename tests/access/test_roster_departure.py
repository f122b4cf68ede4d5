"""An account whose person has left the monitoring-room roster is refused from the day after
their last day: sign-in, web sessions and API tokens (A16(4))."""

from __future__ import annotations

import pytest

from vigil.access.sessions import SessionStore
from vigil.access.tokens import TokenStore
from vigil.access.users import AuthError, UserRegistry
from vigil.audit.actor import Actor
from vigil.clock import FakeClock
from vigil.context import SiteContext
from vigil.errors import ValidationError
from vigil.records import common, staff

from .helpers import PASSWORD, add_user, audit_rows

ADDR = "192.0.2.10"
BY = Actor("admin", "administrator")


def test_departed_staff_are_refused_from_the_day_after_they_left(
    site: SiteContext, clock: FakeClock
) -> None:
    user = add_user(site, "mon1", "monitor")
    users, sessions, tokens = UserRegistry(site), SessionStore(site), TokenStore(site)
    member = staff.add_staff(site, name="李雷", duty="monitoring", joined_on="2025-01-01",
                             username="mon1", by=BY)  # fmt: skip
    session, _csrf = sessions.create(user.id, ADDR)
    token, _view = tokens.create("mon1", "wall", ["live"], actor="admin")
    last_day = common.today(site)
    staff.update_staff(site, member.id, left_on=last_day, by=BY)

    # The last day on the roster still counts (both ends of the roster are included).
    assert users.authenticate("mon1", PASSWORD, ADDR).username == "mon1"
    assert tokens.validate(token) is not None
    fresh, _csrf = sessions.create(user.id, ADDR)
    assert sessions.validate(fresh) is not None
    assert users.departed() == {}

    clock.advance(days=1)
    assert users.departed() == {user.id: last_day.isoformat()}
    with pytest.raises(AuthError) as err:
        users.authenticate("mon1", PASSWORD, ADDR)
    assert "A16(4)" in err.value.message and last_day.isoformat() in err.value.message
    refusal = audit_rows(site, "login")[-1]
    assert refusal["result"] == "refused"
    assert refusal["detail"] == {"reason": "left the roster", "left_on": last_day.isoformat()}
    assert sessions.validate(session) is None, "a web session stops with the roster"
    assert tokens.validate(token) is None, "so does an API token"
    with pytest.raises(AuthError):
        sessions.create(user.id, ADDR)
    with pytest.raises(ValidationError) as verr:
        tokens.create("mon1", "again", ["live"], actor="admin")
    assert verr.value.field == "username" and "A16(4)" in verr.value.message

    # Someone who was never on the roster is not affected; unlinking the account (an
    # audited roster change) is how an administrator lets it work again.
    add_user(site, "aud1", "auditor")
    assert users.authenticate("aud1", PASSWORD, ADDR).username == "aud1"
    staff.update_staff(site, member.id, unlink_account=True, by=BY)
    assert users.authenticate("mon1", PASSWORD, ADDR).username == "mon1"
    assert tokens.validate(token) is not None
    fresh, _csrf = sessions.create(user.id, ADDR)
    assert sessions.validate(fresh) is not None
