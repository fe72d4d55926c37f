"""Where family input joins other features without them importing it: the invitation
mail carries the link when the facilitator chose so; the sent copy loses the link."""

from __future__ import annotations

from ..meetings.mail import INVITATION_EXTRAS
from ..notify.sending import SCRUB_AFTER_SEND
from . import services


def register() -> None:
    """Add the hooks once (importing twice must not add them twice)."""
    if services.invitation_extra not in INVITATION_EXTRAS:
        INVITATION_EXTRAS.append(services.invitation_extra)
    SCRUB_AFTER_SEND["family_input"] = services.LINK_RE
    for kind in ("invitation", "update"):  # when the invitation carried the link
        SCRUB_AFTER_SEND.setdefault(kind, services.LINK_RE)


register()
