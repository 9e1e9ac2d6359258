"""Sign-ins naming one account take turns, so that guesses sent together cannot pass its limit.

A failed sign-in is counted once its answer is ready (Flask-Limiter's `deduct_when`), and each
attempt is checked against the count before its password is. Sent together, every attempt was
checked before the first was counted: in a security review, 100 guesses sent at once at one
account had 16 passwords checked against a limit of 5. Holding a lock on the account from
before the check until the request's transaction ends, after the count, each attempt is
checked against the failures of those before it, on every worker and machine.
"""

from __future__ import annotations

import psycopg
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from app.common.errors import Busy
from app.db import set_for_this_transaction, take_turn
from geo.i18n import N_

SIGN_IN_LOCK = 0x6C6F67  # advisory lock key (with the account's hash): one sign-in at a time


def take_the_accounts_turn(session: Session, account: str, wait_s: float) -> None:
    """Wait (at most `wait_s`) until no other sign-in names `account`; held until `session` ends.

    `account` is the hash of the address the form names, as the limits' counters key it. The
    turn before takes one password check (0.63-0.77 s with the default Argon2 profile, on
    this 2-core machine while it was busy) or, once the limit is reached, only a refusal: a
    burst waits for at most the limit's number of checks.
    """
    set_for_this_transaction(session, "lock_timeout", f"{round(wait_s * 1000)}ms")
    try:
        take_turn(session, SIGN_IN_LOCK, account)
    except OperationalError as error:
        if not isinstance(error.orig, psycopg.errors.LockNotAvailable):
            raise
        session.rollback()
        message = N_("Many sign-ins to this account are being checked. Please try again.")
        raise Busy(message) from error
