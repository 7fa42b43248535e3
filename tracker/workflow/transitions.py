"""The change-request state machine: which moves are legal. Data and one lookup, no ORM."""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from .models import ChangeStatus as S
from .models import ReviewAction


class Action(StrEnum):
    # Values equal ReviewAction's, so each move maps onto its stored review event.
    SUBMIT = "submit"
    WITHDRAW = "withdraw"
    APPROVE = "approve"
    RETURN = "return"
    REJECT = "reject"


TRANSITIONS: dict[tuple[str, Action], str] = {
    (S.DRAFT, Action.SUBMIT): S.SUBMITTED,
    (S.RETURNED, Action.SUBMIT): S.SUBMITTED,
    (S.SUBMITTED, Action.APPROVE): S.APPROVED,
    (S.SUBMITTED, Action.RETURN): S.RETURNED,
    (S.SUBMITTED, Action.REJECT): S.REJECTED,
    (S.DRAFT, Action.WITHDRAW): S.WITHDRAWN,
    (S.SUBMITTED, Action.WITHDRAW): S.WITHDRAWN,
    (S.RETURNED, Action.WITHDRAW): S.WITHDRAWN,
}

# The author may change the proposed values, attach evidence or rebase only while the change is
# still theirs to change: not once a reviewer has decided it.
EDITABLE: frozenset[str] = frozenset({S.DRAFT, S.RETURNED})
OPEN: frozenset[str] = frozenset({S.DRAFT, S.SUBMITTED, S.RETURNED})


class TransitionNotAllowed(Exception):  # noqa: N818 -- named for what the user sees
    """The change request's status does not allow this action."""

    def __init__(self, status: str, action: Action) -> None:
        self.status = status
        self.action = action
        super().__init__(
            _("“%(action)s” is not allowed for a change request that is “%(status)s”.")
            % {"action": ReviewAction(action.value).label, "status": S(status).label}
        )


def next_status(status: str, action: Action) -> str:
    try:
        return TRANSITIONS[(status, action)]
    except KeyError:
        raise TransitionNotAllowed(status, action) from None
