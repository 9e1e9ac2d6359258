"""Rate limits: per person first (the signed supporter id), with a ceiling per address.

Twenty-five pupils on one school network share one address, so the address ceiling is
generous; each browser's own limit is the tight one. A client without a valid supporter
cookie counts as one person per address, so discarding cookies gains nothing.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Response, current_app, request
from limits import RateLimitItem, parse_many

from app.common.errors import TooMany
from app.extensions import limiter
from app.known_devices import account_hash, known_device
from app.networks import client_network
from app.ratelimit_storage import PlannedHit, plan_hits_with
from app.request import matched_view
from app.supporters import known_supporter_id
from app.write_turns import after_its_limits
from geo.i18n import N_

F = TypeVar("F", bound=Callable[..., object])
# On a view whose decorators here gave it limits; no other view is limited (no default limits).
_LIMITED = "umecom_rate_limited"
# On a view of `limited`'s: its counters as (config name, scope, key function), in the order
# its decorators gave them to Flask-Limiter.
_COUNTERS = "umecom_rate_limit_counters"


@limiter.request_filter
def has_no_limits() -> bool:
    """Whether the request's view has no limits, so Flask-Limiter can leave the request alone.

    Flask-Limiter works out every request's limits before its view, limits or not: the
    endpoint's, its blueprint's and their exemptions. The app has no default or application
    limits, only the views' own (`limited`, `failures_limited`). For a read that work was a
    sixth of the app's CPU: `GET /api/categories` in process took 0.49-0.50 ms with the limits
    on, 0.45 ms with this filter, and 0.39-0.42 ms with them off (3,000 requests, best of 4
    rounds, two runs each).
    """
    return not is_limited(matched_view())


def is_limited(view: Callable[..., object] | None) -> bool:
    """Whether `view` carries limits of this module's (which `has_no_limits` lets through)."""
    return bool(getattr(view, _LIMITED, False))


def config_limit(key: str) -> Callable[[], str]:
    """A limit read from the app's config at request time (per app, per test)."""
    return lambda: str(current_app.config[key])


def person_key() -> str:
    """The signed supporter id, or the address for a client without one."""
    supporter = known_supporter_id()
    return f"person:{supporter}" if supporter else f"newcomer:{client_network()}"


def address_key() -> str:
    """The client's network (app.networks: an IPv6 client by its /64)."""
    return f"address:{client_network()}"


def address_and_pin_key() -> str:
    """The address and the pin acted on: bounds what one network can add to one pin."""
    pin = (request.view_args or {}).get("idea_id", "")
    return f"address:{client_network()}:pin:{pin}"


def limited(
    scope: str,
    person: str | None,
    address: str,
    pin_address: str | None = None,
    methods: list[str] | None = None,
) -> Callable[[F], F]:
    """Apply the config limits named `person` and `address` (and `pin_address`) to a view.

    Views sharing a `scope` share the counters (the API's and the page's support button).
    The view takes its write turn (app.write_turns) once its limits have let it through.
    `methods`: only requests of these count (a view of several methods); None, all.
    """
    counters = [(address, f"{scope}-address", address_key)]
    if person is not None:
        counters.insert(0, (person, f"{scope}-person", person_key))
    if pin_address is not None:
        counters.append((pin_address, f"{scope}-pin", address_and_pin_key))

    def decorate(view: F) -> F:
        # Applied in this order, Flask-Limiter takes them in this order (`planned_hits`).
        wrapped: Any = after_its_limits(view)
        for config_name, counter_scope, key_func in counters:
            wrapped = limiter.shared_limit(
                config_limit(config_name),
                scope=counter_scope,
                key_func=key_func,
                methods=methods,
            )(wrapped)
        setattr(wrapped, _LIMITED, True)
        setattr(wrapped, _COUNTERS, tuple(counters))
        return wrapped

    return decorate


def counter_identifiers(key: str, scope: str) -> list[str]:
    """What Flask-Limiter keys a shared limit's counter by.

    The key function's value and the scope, after RATELIMIT_KEY_PREFIX when there is one.
    """
    prefix = str(current_app.config.get("RATELIMIT_KEY_PREFIX") or "")
    return [prefix, key, scope] if prefix else [key, scope]


@plan_hits_with
def planned_hits() -> list[PlannedHit]:
    """The hits the request's `limited` view will ask the storage for, in Flask-Limiter's order.

    Its keys as Flask-Limiter writes them (`RateLimitItem.key_for` of the key function's value
    and the scope), ordered as it orders them (by the length of their windows, a stable sort);
    tests/test_ratelimit.py compares them with what it asks. A view that counts on conditions
    (`failures_limited`) plans nothing, and its hits are counted one at a time.
    """
    planned: list[tuple[RateLimitItem, PlannedHit]] = []
    for config_name, scope, key_func in getattr(matched_view(), _COUNTERS, ()):
        identifiers = counter_identifiers(key_func(), scope)
        for item in parse_many(str(current_app.config[config_name])):
            key = item.key_for(*identifiers)
            planned.append((item, PlannedHit(key, item.get_expiry(), item.amount)))
    hits = [hit for _, hit in sorted(planned, key=lambda pair: pair[0])]
    return hits if len({hit.key for hit in hits}) == len(hits) else []


# The limits of each action, shared by every route that performs it.
CREATE_SCOPE = "create"
create_limits = limited(
    CREATE_SCOPE, person="IDEA_CREATE_LIMIT", address="IDEA_CREATE_ADDRESS_LIMIT"
)
support_limits = limited(
    "support",
    person="SUPPORT_LIMIT",
    address="SUPPORT_ADDRESS_LIMIT",
    pin_address="SUPPORT_PIN_ADDRESS_LIMIT",
)
workshop_create_limits = limited(
    "workshop-create", person="WORKSHOP_CREATE_LIMIT", address="WORKSHOP_CREATE_ADDRESS_LIMIT"
)
# Joining, finding a workshop by its code and trying a facilitator key: what guessing needs.
workshop_join_limits = limited(
    "workshop-join", person="WORKSHOP_JOIN_LIMIT", address="WORKSHOP_JOIN_ADDRESS_LIMIT"
)
flag_limits = limited("flag", person="FLAG_LIMIT", address="FLAG_ADDRESS_LIMIT")
# Drawing in workshops, changing and undoing included (each stores the shape again in the
# workshop's events): per address only (a room of participants shares one), far above what a
# room draws, yet a bound on what one client can store (shapes of up to 5,000 positions).
workshop_draw_limits = limited(
    "workshop-draw",
    person=None,
    address="WORKSHOP_DRAW_ADDRESS_LIMIT",
    methods=["POST", "PATCH", "DELETE"],
)


def spend_new_pins(count: int) -> None:
    """Count `count` pins made at once (a workshop's promotion) in the address's new-pin limits.

    All or none: when they do not all fit in every window, nothing is counted and TooMany
    says how many would. Without it, anyone could start a workshop, draw 500 areas and make
    them 500 published pins in one request, past the limits a citizen's pins keep to.
    """
    if count <= 0 or not limiter.enabled:
        return
    strategy = limiter.limiter
    # The counters of `create_limits`' address limit, which a citizen's new pins count in.
    identifiers = counter_identifiers(address_key(), f"{CREATE_SCOPE}-address")
    items = parse_many(str(current_app.config["IDEA_CREATE_ADDRESS_LIMIT"]))
    windows = [strategy.get_window_stats(item, *identifiers) for item in items]
    room = min(window.remaining for window in windows)
    if count > room:
        # Until the windows too full for them end: then every pin asked for fits.
        ends = max(w.reset_time for w in windows if w.remaining < count)
        minutes = max(1, math.ceil((ends - time.time()) / 60))
        if room:
            refusal = TooMany(
                N_("This network may make %(room)s more pins for now: make pins of fewer "
                   "drawings at a time, or all of them in %(minutes)s min."),
                field="annotation_ids", room=room, minutes=minutes,
            )  # fmt: skip
        else:
            refusal = TooMany(
                N_("This network has made as many pins as it may for now: try again in "
                   "%(minutes)s min."),
                field="annotation_ids", minutes=minutes,
            )  # fmt: skip
        refusal.retry_after_s = max(1, math.ceil(ends - time.time()))
        raise refusal
    for item in items:
        strategy.hit(item, *identifiers, cost=count)


def spend_nothing(count: int) -> None:
    """Count no pins: staff signed in make theirs past the new-pin limits."""


def account_key() -> str:
    """The account a sign-in form names, hashed: the counters hold no addresses.

    From a browser that signed in to that account before, its own device's counter instead
    (app.known_devices): failures elsewhere do not lock the account's owner out.
    """
    email = request.form.get("email") or ""
    device = known_device(email)
    if device is not None:
        return f"device:{device}"
    return "account:" + account_hash(email)


def sign_in_address_key() -> str:
    """The address's counter of failed sign-ins, or a known device's own (see `account_key`).

    A device the account signed in from before is not locked out with its address either:
    fifty failures naming any accounts from an office's one address would otherwise lock out
    every member of staff behind it.
    """
    device = known_device(request.form.get("email") or "")
    return f"device:{device}" if device is not None else address_key()


def failures_limited(
    scope: str,
    *,
    account: str,
    address: str,
    failed: Callable[[Response], bool],
    on_breach: Callable[..., Response | None],
) -> Callable[[F], F]:
    """Limit the failures of a POST per account and per address (config limits by name).

    Only responses for which `failed` is true count (Flask-Limiter's `deduct_when`); a
    refused request gets `on_breach`'s response. Counters are shared by every worker.
    """

    def decorate(view: F) -> F:
        wrapped: Any = view
        for name, key in ((account, account_key), (address, sign_in_address_key)):
            wrapped = limiter.shared_limit(
                config_limit(name),
                scope=f"{scope}-{name.lower()}",
                key_func=key,
                methods=["POST"],
                deduct_when=failed,
                on_breach=on_breach,
            )(wrapped)
        setattr(wrapped, _LIMITED, True)
        return wrapped

    return decorate
