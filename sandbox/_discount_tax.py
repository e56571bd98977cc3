"""Discounts and tax rates on a list of lines, as pure functions: the one place the sandbox computes them.

Invoices, invoice items, subscriptions' invoices, Checkout Sessions and credit notes all call
:func:`compute`, so a coupon or a tax rate gives the same cents everywhere. Every amount is an integer in
the currency's minor unit.

The rules, in the order they are applied:

1. ``subtotal`` = Σ line amounts (quantity × unit amount, before discounts, inclusive taxes included).
2. **Discounts**, in the order given (Stripe applies an object's discounts in order, each to what the
   earlier ones left). A discount reaches the *eligible* lines: ``discountable`` ones, and, when the coupon
   has ``applies_to.products``, only lines of those products. Its amount is
     - ``percent_off``: ``round_half_up(eligible_base × percent_off / 100)``;
     - ``amount_off``: ``min(amount_off, eligible_base)`` (a discount never makes a line negative);
   where ``eligible_base`` = Σ of the eligible lines' amounts after earlier discounts. That amount is then
   *spread* over the eligible lines in proportion to their base, by the largest-remainder method (floor
   every share, then give the left-over cents one each to the lines with the largest fractional part,
   the earlier line first on a tie), so the per-line ``discount_amounts`` always add up to the total. [U]
   Stripe documents neither the rounding of a percentage nor how an invoice-level discount is split
   across lines.
3. **Taxes** per line, on its *taxable* amount (line amount − its discounts):
     - inclusive rates (the price already contains them), together: each rate's tax =
       ``round_half_up(taxable × p / (100 + Σ inclusive p))``; the net is ``taxable − Σ inclusive taxes``;
     - exclusive rates (added on top): each = ``round_half_up(net × p / 100)``.
   Each tax records its ``taxable_amount``: the net for every rate (the amount the rate applies to). [U]
   Stripe rounds each line's tax to the minor unit (documented for tax rates); the order of inclusive then
   exclusive on one line is the sandbox's choice.
4. ``total`` = subtotal − Σ discounts + Σ exclusive taxes; ``total_excluding_tax`` = total − Σ every tax;
   ``subtotal_excluding_tax`` = subtotal − Σ inclusive taxes. [U] the last one: Stripe's definition
   ("before any invoice level discount or tax") leaves open whether inclusive tax is taken on the
   discounted amount; the sandbox uses the taxes it computed.

Worked example (tests/sandbox/test_discount_tax_rules.py): lines $100.00 (10 % exclusive),
$50.00 (20 % inclusive) and $30.00 (no tax), a 15 % coupon. Discount 15 % of $180.00 = $27.00 spread
$15.00 / $7.50 / $4.50. Taxes: 10 % of $85.00 = $8.50; $42.50 × 20/120 = $7.083… → $7.08 (net $35.42).
Total = $180.00 − $27.00 + $8.50 = $161.50; total excluding tax = $161.50 − $8.50 − $7.08 = $145.92.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal


@dataclass(frozen=True)
class TaxRate:
    id: str
    percentage: Decimal
    inclusive: bool


@dataclass(frozen=True)
class Discount:
    """A discount to apply: ``id`` is the discount object's (``di_…``) id, the coupon gives the amount."""

    id: str
    percent_off: Decimal | None = None
    amount_off: int | None = None
    products: frozenset[str] | None = None  # ``applies_to.products``: None means every product


@dataclass(frozen=True)
class Line:
    amount: int
    discountable: bool = True
    product: str | None = None
    tax_rates: tuple[TaxRate, ...] = ()
    discounts: tuple[Discount, ...] = ()  # the line's own discounts (an invoice item's), before shared ones


@dataclass(frozen=True)
class Tax:
    tax_rate: str
    amount: int
    inclusive: bool
    taxable_amount: int


@dataclass(frozen=True)
class LineResult:
    amount: int
    discount_amounts: tuple[tuple[str, int], ...]
    taxes: tuple[Tax, ...]

    @property
    def discount(self) -> int:
        return sum(amount for _, amount in self.discount_amounts)

    @property
    def exclusive_tax(self) -> int:
        return sum(t.amount for t in self.taxes if not t.inclusive)

    @property
    def inclusive_tax(self) -> int:
        return sum(t.amount for t in self.taxes if t.inclusive)


@dataclass(frozen=True)
class Totals:
    lines: tuple[LineResult, ...]
    subtotal: int
    discount_amounts: tuple[tuple[str, int], ...]
    taxes: tuple[Tax, ...] = field(default=())
    total: int = 0
    total_excluding_tax: int = 0
    subtotal_excluding_tax: int = 0

    @property
    def discount(self) -> int:
        return sum(amount for _, amount in self.discount_amounts)

    @property
    def tax(self) -> int:
        return sum(t.amount for t in self.taxes)

    @property
    def exclusive_tax(self) -> int:
        return sum(t.amount for t in self.taxes if not t.inclusive)


def round_half_up(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def spread(amount: int, weights: Sequence[int]) -> list[int]:
    """``amount`` split in proportion to ``weights`` by the largest-remainder method (see the module doc)."""
    total = sum(weights)
    if total <= 0 or amount == 0:
        return [0] * len(weights)
    exact = [Decimal(amount) * w / total for w in weights]
    shares = [int(x.to_integral_value(rounding=ROUND_FLOOR)) for x in exact]
    left = amount - sum(shares)
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - shares[i]), i))
    for i in order[:left]:
        shares[i] += 1
    return shares


def discount_amount(discount: Discount, base: int) -> int:
    """What one discount takes off ``base`` (the eligible lines' amount left by earlier discounts)."""
    if base <= 0:
        return 0
    if discount.percent_off is not None:
        return min(round_half_up(Decimal(base) * discount.percent_off / 100), base)
    return min(int(discount.amount_off or 0), base)


def _eligible(line: Line, discount: Discount) -> bool:
    return line.discountable and (discount.products is None or line.product in discount.products)


def line_taxes(taxable: int, rates: Sequence[TaxRate]) -> tuple[Tax, ...]:
    """The taxes of one line on its taxable amount: inclusive rates first (out of the amount), then
    exclusive ones (on top of the net)."""
    inclusive = [r for r in rates if r.inclusive]
    exclusive = [r for r in rates if not r.inclusive]
    share = sum((r.percentage for r in inclusive), Decimal(0))
    inclusive_amounts = [
        round_half_up(Decimal(taxable) * r.percentage / (100 + share)) if taxable > 0 else 0
        for r in inclusive
    ]
    net = taxable - sum(inclusive_amounts)
    taxes = [Tax(r.id, a, True, net) for r, a in zip(inclusive, inclusive_amounts, strict=True)]
    taxes += [
        Tax(r.id, round_half_up(Decimal(net) * r.percentage / 100) if net > 0 else 0, False, net)
        for r in exclusive
    ]
    return tuple(taxes)


def compute(lines: Sequence[Line], discounts: Sequence[Discount] = ()) -> Totals:
    """Every amount of an invoice (or session, or credit note) from its lines and shared discounts."""
    left = [line.amount for line in lines]
    per_line: list[list[tuple[str, int]]] = [[] for _ in lines]
    order: list[str] = []
    by_discount: dict[str, int] = {}

    def apply(discount: Discount, indexes: Sequence[int]) -> None:
        eligible = [i for i in indexes if _eligible(lines[i], discount) and left[i] > 0]
        taken = discount_amount(discount, sum(left[i] for i in eligible))
        if discount.id not in by_discount:
            order.append(discount.id)
            by_discount[discount.id] = 0
        for i, share in zip(eligible, spread(taken, [left[i] for i in eligible]), strict=True):
            left[i] -= share
            per_line[i].append((discount.id, share))
        by_discount[discount.id] += taken

    for index, line in enumerate(lines):
        for own in line.discounts:
            apply(own, [index])
    for shared in discounts:
        apply(shared, range(len(lines)))

    results = tuple(
        LineResult(line.amount, tuple(per_line[i]), line_taxes(left[i], line.tax_rates))
        for i, line in enumerate(lines)
    )
    taxes = _sum_taxes(t for result in results for t in result.taxes)
    subtotal = sum(line.amount for line in lines)
    discount_total = sum(by_discount.values())
    exclusive = sum(t.amount for t in taxes if not t.inclusive)
    inclusive = sum(t.amount for t in taxes if t.inclusive)
    total = subtotal - discount_total + exclusive
    return Totals(
        lines=results,
        subtotal=subtotal,
        discount_amounts=tuple((d, by_discount[d]) for d in order),
        taxes=taxes,
        total=total,
        total_excluding_tax=total - exclusive - inclusive,
        subtotal_excluding_tax=subtotal - inclusive,
    )


def _sum_taxes(taxes: Iterable[Tax]) -> tuple[Tax, ...]:
    """One entry per tax rate, in first-seen order: amounts and taxable amounts added up."""
    merged: dict[str, Tax] = {}
    for tax in taxes:
        seen = merged.get(tax.tax_rate)
        merged[tax.tax_rate] = (
            tax
            if seen is None
            else Tax(
                tax.tax_rate,
                seen.amount + tax.amount,
                tax.inclusive,
                seen.taxable_amount + tax.taxable_amount,
            )
        )
    return tuple(merged.values())


def applies_to_renewal(duration: str, end: int | None, period_start: int) -> bool:
    """Whether a subscription's discount still applies to the invoice of a period starting at
    ``period_start`` (Stripe's coupon ``duration``): ``once`` only ever reaches the first invoice,
    ``forever`` every one, ``repeating`` those of periods that start before the discount's ``end``
    (its start + ``duration_in_months``)."""
    if duration == "forever":
        return True
    if duration == "repeating":
        return end is not None and period_start < end
    return False
