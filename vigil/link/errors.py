"""The link's refusals, each with a reason a program can read."""

from __future__ import annotations

from vigil.errors import VigilError

#: Why a received message was refused (the receiving side registers it with its reason).
REFUSAL_REASONS = (
    "malformed",  # not an envelope, or a field of the wrong type
    "wrong_receiver",  # addressed to another party
    "unknown_sender",  # no pinned key for the sender
    "forged",  # the signature does not verify with the sender's pinned key
    "expired",  # signed outside the time window
    "replayed",  # a message id this side already holds
    "unknown_type",  # no handler for the message type on this side
    "rejected",  # the handler refused the content
)


class NotLinked(VigilError):
    """This site has no bureau (or the bureau does not know the unit) to send to."""

    code = "not_linked"
    exit_code = 5


class LinkRefused(VigilError):
    """A received message is refused; `reason` is one of REFUSAL_REASONS."""

    code = "link_refused"

    def __init__(self, reason: str, detail: str) -> None:
        assert reason in REFUSAL_REASONS, reason
        self.reason = reason
        super().__init__(f"{reason}: {detail}", field="envelope")


class PeerError(VigilError):
    """The other side could not be reached or answered with an error."""

    code = "peer_error"
    exit_code = 6
