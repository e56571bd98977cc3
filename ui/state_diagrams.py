"""Small state diagrams of Stripe lifecycles as Graphviz DOT, the current state highlighted.

The transitions are Stripe's documented state machines (Payment Intents, Checkout Sessions, Subscriptions,
Invoices) and nothing else: a refund is its own object and leaves the PaymentIntent ``succeeded``, so it is
drawn as a dashed note beside the current state, not as a state.
"""

from __future__ import annotations

from collections.abc import Iterable

LIFECYCLES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "payment_intent": (
        ("requires_payment_method", "requires_confirmation", "payment method"),
        ("requires_confirmation", "requires_action", "3D Secure"),
        ("requires_confirmation", "succeeded", "confirm"),
        ("requires_confirmation", "requires_payment_method", "declined"),
        ("requires_action", "succeeded", "authenticated"),
        ("requires_action", "requires_payment_method", "auth failed"),
        ("requires_action", "canceled", ""),
        ("requires_payment_method", "canceled", "cancel"),
    ),
    "checkout.session": (
        ("open", "complete", "customer pays"),
        ("open", "expired", "expire / 24 h"),
    ),
    "subscription": (
        ("incomplete", "active", "first invoice paid"),
        ("incomplete", "incomplete_expired", "23 h unpaid"),
        ("trialing", "active", "trial ends"),
        ("active", "past_due", "renewal fails"),
        ("past_due", "active", "paid"),
        ("past_due", "canceled", "retries used up"),
        ("past_due", "unpaid", "retries used up"),
        ("unpaid", "active", "paid"),
        ("active", "canceled", "cancel"),
        ("trialing", "canceled", "cancel"),
        ("trialing", "paused", "trial ends, no card"),
        ("paused", "active", "resume"),
    ),
    "invoice": (
        ("draft", "open", "finalize"),
        ("open", "paid", "pay"),
        ("open", "void", "void"),
        ("open", "uncollectible", "mark"),
        ("uncollectible", "paid", "pay"),
        ("draft", "deleted", "delete"),
    ),
}
CURRENT_FILL = "#635bff"  # Stripe's blurple
VISITED_FILL = "#e3e1ff"
TALL = frozenset({"payment_intent", "subscription"})  # many states: top to bottom fits a narrow column
BAD_STATES = frozenset(
    {"canceled", "expired", "void", "uncollectible", "incomplete_expired", "past_due", "unpaid"}
)


def states(lifecycle: str) -> list[str]:
    seen: dict[str, None] = {}
    for source, target, _ in LIFECYCLES[lifecycle]:
        seen.setdefault(source)
        seen.setdefault(target)
    return list(seen)


def dot(lifecycle: str, current: str | None, visited: Iterable[str] = (), *, note: str | None = None) -> str:
    """The DOT source: every state a rounded box, ``current`` filled, ``visited`` states tinted; ``note``
    (e.g. "charge refunded") hangs off the current state as a dashed note, since it is not a state."""
    if lifecycle not in LIFECYCLES:
        raise KeyError(f"No diagram for {lifecycle!r}; known: {', '.join(LIFECYCLES)}")
    been = set(visited)
    lines = [
        "digraph lifecycle {",
        f"  rankdir={'TB' if lifecycle in TALL else 'LR'};",
        '  node [shape=box, style="rounded,filled", fillcolor=white, fontname="Helvetica", fontsize=11];',
        '  edge [fontname="Helvetica", fontsize=9, color="#8792a2"];',
    ]
    for state in states(lifecycle):
        attrs = []
        if state == current:
            attrs += [f'fillcolor="{CURRENT_FILL}"', 'fontcolor="white"', "penwidth=2"]
        elif state in been:
            attrs.append(f'fillcolor="{VISITED_FILL}"')
        if state in BAD_STATES:
            attrs.append('color="#cd3d64"')
        lines.append(f'  "{state}" [{", ".join(attrs)}];' if attrs else f'  "{state}";')
    for source, target, label in LIFECYCLES[lifecycle]:
        lines.append(f'  "{source}" -> "{target}" [label="{label}"];')
    if note and current:
        text = note.replace('"', "'")
        lines.append(f'  "note" [label="{text}", shape=note, style="dashed,filled", fillcolor=white];')
        lines.append(f'  "{current}" -> "note" [style=dashed, arrowhead=none];')
    lines.append("}")
    return "\n".join(lines)
