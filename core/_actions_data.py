"""The action catalog's data: WeWeb's 38 Stripe actions plus the backend-only operations its Setup page names.

Action names and one-line descriptions follow WeWeb's Actions reference; endpoints, parameters and
restricted-key stems are Stripe's. Availability follows WeWeb's Setup page ("Limitations and what's not in
the editor"): Setup Intents, Charges and Payment Methods are backend-only; of Checkout Sessions only Create is
in the editor; of Invoice Items only Create. Confirm/Capture Payment Intent and Finalize/Pay/Void Invoice are
not WeWeb actions at all but are needed to walk a flow end to end, so they are here as backend-only too.
"""

from __future__ import annotations

from core.catalog import Action, Input, InputKind, Resource

K = InputKind


def _id(prefix: str, label: str, *, help: str = "") -> Input:
    return Input("id", label, K.ID, required=True, id_prefix=(prefix,), in_path=True, help=help)


def _ref(name: str, label: str, prefix: str, *, required: bool = False, help: str = "") -> Input:
    return Input(name, label, K.ID, required=required, id_prefix=(prefix,), help=help)


def _s(name: str, label: str, *, required: bool = False, help: str = "") -> Input:
    return Input(name, label, K.STRING, required=required, help=help)


def _b(name: str, label: str, *, help: str = "") -> Input:
    return Input(name, label, K.BOOL, help=help)


def _i(name: str, label: str, *, help: str = "") -> Input:
    return Input(name, label, K.INT, help=help)


def _e(name: str, label: str, choices: tuple[str, ...], *, required: bool = False, help: str = "") -> Input:
    return Input(name, label, K.ENUM, required=required, choices=choices, help=help)


def _meta(help: str = 'Your own key/value pairs, e.g. {"order_id": "1234"}.') -> Input:
    return Input("metadata", "Metadata", K.METADATA, help=help)


def _cur(name: str = "currency", *, required: bool = False, label: str = "Currency") -> Input:
    return Input(
        name, label, K.CURRENCY, required=required, help="Three-letter ISO code, e.g. usd, eur, jpy."
    )


def _amt(
    name: str,
    label: str,
    purpose: str,
    *,
    currency_input: str | None = "currency",
    required: bool = False,
    allow_negative: bool = False,
    help: str = "",
) -> Input:
    unit_help = "In the smallest currency unit: for USD, 1000 means $10.00; for JPY, 1000 means ¥1,000."
    return Input(
        name,
        label,
        K.AMOUNT,
        required=required,
        currency_input=currency_input,
        amount_purpose=purpose,
        allow_negative=allow_negative,
        help=f"{help} {unit_help}".strip(),
    )


def _paging(prefix: str) -> tuple[Input, ...]:
    return (
        Input("limit", "Limit", K.INT, help="How many objects, 1 to 100 (Stripe's default is 10)."),
        Input(
            "starting_after",
            "Starting after",
            K.ID,
            id_prefix=(prefix,),
            help="Cursor: the id of the last object of the previous page.",
        ),
        Input(
            "ending_before",
            "Ending before",
            K.ID,
            id_prefix=(prefix,),
            help="Cursor: the id of the first object of the next page (pages backwards).",
        ),
    )


# Each resource's shared facts (catalog.Resource); its actions below state only what is their own.
PRODUCT = Resource("Products", "product", "product", "products", in_editor=True, in_weweb_reference=True)
PRICE = Resource("Prices", "price", "plan", "prices", in_editor=True, in_weweb_reference=True)
CUSTOMER = Resource("Customers", "customer", "customer", "customers", in_editor=True, in_weweb_reference=True)
INVOICE = Resource("Invoices", "invoice", "invoice", "invoices", in_editor=True, in_weweb_reference=True)
INVOICE_ITEM = Resource(
    "Invoice Items",
    "invoiceitem",
    "invoice_item",
    "invoiceitems",
    in_editor=False,
    in_weweb_reference=False,
    editor_limitation=True,
)
SUBSCRIPTION = Resource(
    "Subscriptions", "subscription", "subscription", "subscriptions", in_editor=True, in_weweb_reference=True
)
PAYMENT_INTENT = Resource(
    "Payment Intents",
    "payment_intent",
    "payment_intent",
    "payment_intents",
    in_editor=True,
    in_weweb_reference=True,
)
REFUND = Resource("Refunds", "refund", "refund", "refunds", in_editor=True, in_weweb_reference=True)
CHECKOUT_SESSION = Resource(
    "Checkout Sessions",
    "checkout.session",
    "checkout_session",
    "checkout/sessions",
    in_editor=False,
    in_weweb_reference=True,
    editor_limitation=True,
)
SETUP_INTENT = Resource(
    "Setup Intents",
    "setup_intent",
    "setup_intent",
    "setup_intents",
    in_editor=False,
    in_weweb_reference=False,
    editor_limitation=True,
)
CHARGE = Resource(
    "Charges",
    "charge",
    "charge",
    "charges",
    in_editor=False,
    in_weweb_reference=False,
    editor_limitation=True,
)
PAYMENT_METHOD = Resource(
    "Payment Methods",
    "payment_method",
    "payment_method",
    "payment_methods",
    in_editor=False,
    in_weweb_reference=False,
    editor_limitation=True,
)
TEST_CLOCK = Resource(
    "Test Clocks",
    "test_helpers.test_clock",
    "test_clock",
    "test_clocks",
    in_editor=False,
    in_weweb_reference=False,
)


_PRODUCT_FIELDS = (
    _s("description", "Description"),
    _b("active", "Active", help="Whether the product can be sold."),
    Input("images", "Images", K.LIST, help="Up to 8 image URLs."),
    _meta(),
)

PRODUCTS = (
    PRODUCT.action(
        "list_products",
        "List Products",
        "List products",
        "GET /v1/products",
        "v1.products.list",
        (
            _b("active", "Active", help="Only active (true) or inactive (false) products."),
            Input("ids", "IDs", K.LIST, id_prefix=("prod_",), help="Only these product ids."),
            _b("shippable", "Shippable"),
            _s("url", "URL"),
            *_paging("prod_"),
        ),
        doc="list",
        notes="WeWeb's connection test: a list, even an empty one, proves the connection works.",
    ),
    PRODUCT.action(
        "retrieve_product",
        "Retrieve Product",
        "Retrieve a product by ID",
        "GET /v1/products/{id}",
        "v1.products.retrieve",
        (_id("prod_", "Product ID"),),
        doc="retrieve",
    ),
    PRODUCT.action(
        "create_product",
        "Create Product",
        "Create a product",
        "POST /v1/products",
        "v1.products.create",
        (
            _s("name", "Name", required=True, help='What customers see, e.g. "Pro plan".'),
            *_PRODUCT_FIELDS,
            _cur("default_price_data.currency", label="Default price: currency"),
            _amt(
                "default_price_data.unit_amount",
                "Default price: unit amount",
                "price",
                currency_input="default_price_data.currency",
                help="Optional: also creates a one-time default price.",
            ),
        ),
        doc="create",
    ),
    PRODUCT.action(
        "update_product",
        "Update Product",
        "Update a product",
        "POST /v1/products/{id}",
        "v1.products.update",
        (_id("prod_", "Product ID"), _s("name", "Name"), *_PRODUCT_FIELDS),
        doc="update",
    ),
    PRODUCT.action(
        "delete_product",
        "Delete Product",
        "Delete a product",
        "DELETE /v1/products/{id}",
        "v1.products.delete",
        (_id("prod_", "Product ID"),),
        doc="delete",
        notes="Stripe refuses to delete a product that has prices: deactivate it (Update Product, active "
        "false) instead.",
    ),
)

_RECURRING_INTERVALS = ("day", "week", "month", "year")

PRICES = (
    PRICE.action(
        "list_prices",
        "List Prices",
        "List prices",
        "GET /v1/prices",
        "v1.prices.list",
        (
            _b("active", "Active"),
            _cur(),
            _ref("product", "Product ID", "prod_"),
            _e("type", "Type", ("one_time", "recurring")),
            *_paging("price_"),
        ),
        doc="list",
    ),
    PRICE.action(
        "retrieve_price",
        "Retrieve Price",
        "Retrieve a price by ID",
        "GET /v1/prices/{id}",
        "v1.prices.retrieve",
        (_id("price_", "Price ID"),),
        doc="retrieve",
    ),
    PRICE.action(
        "create_price",
        "Create Price",
        "Create a price",
        "POST /v1/prices",
        "v1.prices.create",
        (
            _ref("product", "Product ID", "prod_", required=True),
            _cur(required=True),
            _amt("unit_amount", "Unit amount", "price", required=True),
            _e(
                "recurring.interval",
                "Recurring interval",
                _RECURRING_INTERVALS,
                help="Set it for a subscription price (e.g. month); leave empty for a one-time price.",
            ),
            _i("recurring.interval_count", "Interval count", help="e.g. 3 with month = every 3 months."),
            _s("nickname", "Nickname"),
            _s("lookup_key", "Lookup key"),
            _e("tax_behavior", "Tax behavior", ("exclusive", "inclusive", "unspecified")),
            _meta(),
        ),
        doc="create",
        notes="A subscription needs a recurring price. Note the price_… id for Checkout.",
    ),
    PRICE.action(
        "update_price",
        "Update Price",
        "Update a price",
        "POST /v1/prices/{id}",
        "v1.prices.update",
        (
            _id("price_", "Price ID"),
            _b("active", "Active"),
            _s("nickname", "Nickname"),
            _s("lookup_key", "Lookup key"),
            _meta(),
        ),
        doc="update",
        notes="A price's amount can't change: create a new price and deactivate the old one.",
    ),
    PRICE.action(
        "deactivate_price",
        "Deactivate Price",
        "Deactivate a price",
        "POST /v1/prices/{id}",
        "v1.prices.update",
        (_id("price_", "Price ID"),),
        doc="update",
        fixed={"active": False},
        notes="Stripe has no delete for prices: deactivating (active=false) is how a price is retired.",
    ),
)

_CUSTOMER_FIELDS = (
    _s("email", "Email"),
    _s("name", "Name"),
    _s("phone", "Phone"),
    _s("description", "Description"),
    _meta('Your own references, e.g. {"user_id": "42"}.'),
)

CUSTOMERS = (
    CUSTOMER.action(
        "list_customers",
        "List Customers",
        "List customers",
        "GET /v1/customers",
        "v1.customers.list",
        (_s("email", "Email", help="Exact, case-sensitive match."), *_paging("cus_")),
        doc="list",
    ),
    CUSTOMER.action(
        "retrieve_customer",
        "Retrieve Customer",
        "Retrieve a customer by ID",
        "GET /v1/customers/{id}",
        "v1.customers.retrieve",
        (_id("cus_", "Customer ID"),),
        doc="retrieve",
    ),
    CUSTOMER.action(
        "create_customer",
        "Create Customer",
        "Create a customer",
        "POST /v1/customers",
        "v1.customers.create",
        (
            *_CUSTOMER_FIELDS,
            _ref(
                "test_clock",
                "Test clock ID",
                "clock_",
                help="Test mode: the customer and its subscriptions live on this clock's time (Create Test "
                "Clock). Not in WeWeb's form.",
            ),
        ),
        doc="create",
        notes="Create one per user on their first payment and save the cus_… id with the user.",
    ),
    CUSTOMER.action(
        "update_customer",
        "Update Customer",
        "Update a customer",
        "POST /v1/customers/{id}",
        "v1.customers.update",
        (_id("cus_", "Customer ID"), *_CUSTOMER_FIELDS),
        doc="update",
    ),
    CUSTOMER.action(
        "delete_customer",
        "Delete Customer",
        "Delete a customer",
        "DELETE /v1/customers/{id}",
        "v1.customers.delete",
        (_id("cus_", "Customer ID"),),
        doc="delete",
        notes="Deleting a customer also cancels their active subscriptions.",
    ),
)

_INVOICE_STATUSES = ("draft", "open", "paid", "uncollectible", "void")
_COLLECTION = ("charge_automatically", "send_invoice")

INVOICES = (
    INVOICE.action(
        "list_invoices",
        "List Invoices",
        "List invoices",
        "GET /v1/invoices",
        "v1.invoices.list",
        (
            _ref("customer", "Customer ID", "cus_"),
            _e("status", "Status", _INVOICE_STATUSES),
            _ref("subscription", "Subscription ID", "sub_"),
            _e("collection_method", "Collection method", _COLLECTION),
            *_paging("in_"),
        ),
        doc="list",
    ),
    INVOICE.action(
        "retrieve_invoice",
        "Retrieve Invoice",
        "Retrieve an invoice by ID",
        "GET /v1/invoices/{id}",
        "v1.invoices.retrieve",
        (_id("in_", "Invoice ID"),),
        doc="retrieve",
    ),
    INVOICE.action(
        "create_invoice",
        "Create Invoice",
        "Create an invoice",
        "POST /v1/invoices",
        "v1.invoices.create",
        (
            _ref("customer", "Customer ID", "cus_", required=True),
            _e("collection_method", "Collection method", _COLLECTION),
            _i("days_until_due", "Days until due", help="Only with collection method send_invoice."),
            _s("description", "Description"),
            _b("auto_advance", "Auto advance", help="Let Stripe finalize the draft automatically."),
            _e(
                "pending_invoice_items_behavior",
                "Pending invoice items",
                ("exclude", "include"),
                help="include pulls the customer's pending invoice items onto this invoice.",
            ),
            _meta(),
        ),
        doc="create",
        notes="Creates a draft; add lines with Create Invoice Item (invoice = this id), then finalize.",
    ),
    INVOICE.action(
        "update_invoice",
        "Update Invoice",
        "Update an invoice",
        "POST /v1/invoices/{id}",
        "v1.invoices.update",
        (
            _id("in_", "Invoice ID"),
            _s("description", "Description"),
            _i("days_until_due", "Days until due"),
            _b("auto_advance", "Auto advance"),
            _e("collection_method", "Collection method", _COLLECTION),
            _meta(),
        ),
        doc="update",
    ),
    INVOICE.action(
        "delete_invoice",
        "Delete Invoice",
        "Delete a draft invoice",
        "DELETE /v1/invoices/{id}",
        "v1.invoices.delete",
        (_id("in_", "Invoice ID"),),
        doc="delete",
        notes="Only drafts can be deleted; void a finalized invoice instead.",
    ),
    INVOICE.action(
        "finalize_invoice",
        "Finalize Invoice",
        "Finalize a draft invoice so it can be paid",
        "POST /v1/invoices/{id}/finalize",
        "v1.invoices.finalize_invoice",
        (_id("in_", "Invoice ID"), _b("auto_advance", "Auto advance")),
        doc="finalize",
        in_editor=False,
        weweb=False,
    ),
    INVOICE.action(
        "pay_invoice",
        "Pay Invoice",
        "Pay an open invoice now",
        "POST /v1/invoices/{id}/pay",
        "v1.invoices.pay",
        (
            _id("in_", "Invoice ID"),
            _ref("payment_method", "Payment method ID", "pm_", help="e.g. pm_card_visa in test mode."),
            _b("paid_out_of_band", "Paid out of band", help="Mark as paid outside Stripe (e.g. cash)."),
        ),
        doc="pay",
        in_editor=False,
        weweb=False,
    ),
    INVOICE.action(
        "void_invoice",
        "Void Invoice",
        "Void an open invoice",
        "POST /v1/invoices/{id}/void",
        "v1.invoices.void_invoice",
        (_id("in_", "Invoice ID"),),
        doc="void",
        in_editor=False,
        weweb=False,
    ),
)

INVOICE_ITEMS = (
    INVOICE_ITEM.action(
        "list_invoice_items",
        "List Invoice Items",
        "List invoice items",
        "GET /v1/invoiceitems",
        "v1.invoice_items.list",
        (
            _ref("customer", "Customer ID", "cus_"),
            _ref("invoice", "Invoice ID", "in_"),
            _b("pending", "Pending only", help="Only items not yet on an invoice."),
            *_paging("ii_"),
        ),
        doc="list",
    ),
    INVOICE_ITEM.action(
        "retrieve_invoice_item",
        "Retrieve Invoice Item",
        "Retrieve an invoice item by ID",
        "GET /v1/invoiceitems/{id}",
        "v1.invoice_items.retrieve",
        (_id("ii_", "Invoice item ID"),),
        doc="retrieve",
    ),
    INVOICE_ITEM.action(
        "create_invoice_item",
        "Create Invoice Item",
        "Add a line item to a customer (or to a draft invoice)",
        "POST /v1/invoiceitems",
        "v1.invoice_items.create",
        (
            _ref("customer", "Customer ID", "cus_", required=True),
            _amt(
                "amount",
                "Amount",
                "invoice_item",
                required=True,
                allow_negative=True,
                help="A negative amount is a credit.",
            ),
            _cur(required=True),
            _s("description", "Description"),
            _ref(
                "invoice", "Draft invoice ID", "in_", help="Empty: it waits for the customer's next invoice."
            ),
            _meta(),
        ),
        doc="create",
        in_editor=True,
        weweb=True,
    ),
    INVOICE_ITEM.action(
        "update_invoice_item",
        "Update Invoice Item",
        "Update a pending invoice item",
        "POST /v1/invoiceitems/{id}",
        "v1.invoice_items.update",
        (
            _id("ii_", "Invoice item ID"),
            _amt("amount", "Amount", "invoice_item", currency_input=None, allow_negative=True),
            _s("description", "Description"),
            _meta(),
        ),
        doc="update",
    ),
    INVOICE_ITEM.action(
        "delete_invoice_item",
        "Delete Invoice Item",
        "Delete a pending invoice item",
        "DELETE /v1/invoiceitems/{id}",
        "v1.invoice_items.delete",
        (_id("ii_", "Invoice item ID"),),
        doc="delete",
    ),
)

_SUB_STATUSES = (
    "incomplete",
    "incomplete_expired",
    "trialing",
    "active",
    "past_due",
    "canceled",
    "unpaid",
    "paused",
    "ended",
    "all",
)
_ITEMS_HELP = 'A JSON list, e.g. [{"price": "price_…", "quantity": 1}]. The price must be recurring.'

SUBSCRIPTIONS = (
    SUBSCRIPTION.action(
        "list_subscriptions",
        "List Subscriptions",
        "List subscriptions",
        "GET /v1/subscriptions",
        "v1.subscriptions.list",
        (
            _ref("customer", "Customer ID", "cus_"),
            _ref("price", "Price ID", "price_"),
            _e("status", "Status", _SUB_STATUSES, help="Stripe lists all but canceled ones by default."),
            *_paging("sub_"),
        ),
        doc="list",
    ),
    SUBSCRIPTION.action(
        "retrieve_subscription",
        "Retrieve Subscription",
        "Retrieve a subscription by ID",
        "GET /v1/subscriptions/{id}",
        "v1.subscriptions.retrieve",
        (_id("sub_", "Subscription ID"),),
        doc="retrieve",
    ),
    SUBSCRIPTION.action(
        "create_subscription",
        "Create Subscription",
        "Create a subscription",
        "POST /v1/subscriptions",
        "v1.subscriptions.create",
        (
            _ref("customer", "Customer ID", "cus_", required=True),
            Input("items", "Items", K.JSON, required=True, help=_ITEMS_HELP),
            _i("trial_period_days", "Trial days"),
            _ref("default_payment_method", "Default payment method", "pm_"),
            _e(
                "payment_behavior",
                "Payment behavior",
                ("allow_incomplete", "default_incomplete", "error_if_incomplete", "pending_if_incomplete"),
            ),
            _e("collection_method", "Collection method", _COLLECTION),
            _i("days_until_due", "Days until due"),
            _meta(),
        ),
        doc="create",
        notes="Without a payment method Stripe refuses the subscription (400, 'no attached payment source') "
        "unless payment_behavior is default_incomplete: then it is created incomplete and its first invoice "
        "waits for a card.",
    ),
    SUBSCRIPTION.action(
        "update_subscription",
        "Update Subscription",
        "Update a subscription",
        "POST /v1/subscriptions/{id}",
        "v1.subscriptions.update",
        (
            _id("sub_", "Subscription ID"),
            Input("items", "Items", K.JSON, help='To change a price: [{"id": "si_…", "price": "price_…"}].'),
            _b("cancel_at_period_end", "Cancel at period end"),
            _e("proration_behavior", "Proration", ("always_invoice", "create_prorations", "none")),
            _ref("default_payment_method", "Default payment method", "pm_"),
            _meta(),
        ),
        doc="update",
    ),
    SUBSCRIPTION.action(
        "cancel_subscription",
        "Cancel Subscription",
        "Cancel a subscription",
        "DELETE /v1/subscriptions/{id}",
        "v1.subscriptions.cancel",
        (
            _id("sub_", "Subscription ID"),
            _b("invoice_now", "Invoice now", help="Bill pending usage and prorations now."),
            _b("prorate", "Prorate"),
        ),
        doc="cancel",
        notes="Cancels immediately. To cancel at the end of the period use Update Subscription with "
        "cancel_at_period_end = true.",
    ),
)

_PI_CANCEL_REASONS = ("duplicate", "fraudulent", "requested_by_customer", "abandoned")

PAYMENT_INTENTS = (
    PAYMENT_INTENT.action(
        "list_payment_intents",
        "List Payment Intents",
        "List payment intents",
        "GET /v1/payment_intents",
        "v1.payment_intents.list",
        (_ref("customer", "Customer ID", "cus_"), *_paging("pi_")),
        doc="list",
    ),
    PAYMENT_INTENT.action(
        "retrieve_payment_intent",
        "Retrieve Payment Intent",
        "Retrieve a payment intent by ID",
        "GET /v1/payment_intents/{id}",
        "v1.payment_intents.retrieve",
        (_id("pi_", "Payment Intent ID"),),
        doc="retrieve",
    ),
    PAYMENT_INTENT.action(
        "create_payment_intent",
        "Create Payment Intent",
        "Create a payment intent",
        "POST /v1/payment_intents",
        "v1.payment_intents.create",
        (
            _amt("amount", "Amount", "payment", required=True),
            _cur(required=True),
            _ref("customer", "Customer ID", "cus_"),
            _s("receipt_email", "Receipt email"),
            _s("description", "Description"),
            _meta('Your own references, e.g. {"order_id": "1234"}.'),
            _ref("payment_method", "Payment method ID", "pm_", help="e.g. pm_card_visa in test mode."),
            _b("confirm", "Confirm now", help="Confirm immediately (needs a payment method)."),
            Input(
                "payment_method_types",
                "Payment method types",
                K.LIST,
                help="e.g. card. Empty: Stripe uses automatic payment methods.",
            ),
            _e("capture_method", "Capture method", ("automatic", "automatic_async", "manual")),
            _e("setup_future_usage", "Save for future use", ("off_session", "on_session")),
        ),
        doc="create",
        notes="Return only client_secret (and the id) to the page; the payment element confirms it.",
    ),
    PAYMENT_INTENT.action(
        "update_payment_intent",
        "Update Payment Intent",
        "Update a payment intent",
        "POST /v1/payment_intents/{id}",
        "v1.payment_intents.update",
        (
            _id("pi_", "Payment Intent ID"),
            _amt("amount", "Amount", "payment"),
            _cur(),
            _ref("customer", "Customer ID", "cus_"),
            _s("description", "Description"),
            _s("receipt_email", "Receipt email"),
            _meta(),
        ),
        doc="update",
    ),
    PAYMENT_INTENT.action(
        "cancel_payment_intent",
        "Cancel Payment Intent",
        "Cancel a payment intent",
        "POST /v1/payment_intents/{id}/cancel",
        "v1.payment_intents.cancel",
        (_id("pi_", "Payment Intent ID"), _e("cancellation_reason", "Reason", _PI_CANCEL_REASONS)),
        doc="cancel",
        notes="Only possible while the status is requires_payment_method, requires_capture, "
        "requires_confirmation, requires_action or processing; a succeeded payment is refunded instead.",
    ),
    PAYMENT_INTENT.action(
        "confirm_payment_intent",
        "Confirm Payment Intent",
        "Confirm a payment intent from the server",
        "POST /v1/payment_intents/{id}/confirm",
        "v1.payment_intents.confirm",
        (
            _id("pi_", "Payment Intent ID"),
            _ref("payment_method", "Payment method ID", "pm_", help="e.g. pm_card_visa in test mode."),
            _s("return_url", "Return URL", help="Where 3D Secure sends the customer back."),
        ),
        doc="confirm",
        in_editor=False,
        weweb=False,
        notes="In WeWeb the payment element confirms client-side; server-side confirm needs a custom API.",
    ),
    PAYMENT_INTENT.action(
        "capture_payment_intent",
        "Capture Payment Intent",
        "Capture an authorized payment intent (capture method manual)",
        "POST /v1/payment_intents/{id}/capture",
        "v1.payment_intents.capture",
        (
            _id("pi_", "Payment Intent ID"),
            _amt(
                "amount_to_capture",
                "Amount to capture",
                "capture",
                currency_input=None,
                help="Empty captures the full authorized amount.",
            ),
        ),
        doc="capture",
        in_editor=False,
        weweb=False,
    ),
)

REFUNDS = (
    REFUND.action(
        "refund_payment",
        "Refund Payment",
        "Refund a charge or payment intent",
        "POST /v1/refunds",
        "v1.refunds.create",
        (
            _ref("payment_intent", "Payment Intent ID", "pi_"),
            _ref("charge", "Charge ID", "ch_"),
            _amt(
                "amount",
                "Amount",
                "refund",
                currency_input=None,
                help="Empty for a full refund; set it for a partial one.",
            ),
            _e("reason", "Reason", ("duplicate", "fraudulent", "requested_by_customer")),
            _meta(),
        ),
        doc="create",
        one_of=(("payment_intent", "charge"),),
    ),
)

_CS_STATUSES = ("open", "complete", "expired")

CHECKOUT = (
    CHECKOUT_SESSION.action(
        "list_checkout_sessions",
        "List Checkout Sessions",
        "List checkout sessions",
        "GET /v1/checkout/sessions",
        "v1.checkout.sessions.list",
        (
            _ref("customer", "Customer ID", "cus_"),
            _ref("payment_intent", "Payment Intent ID", "pi_"),
            _ref("subscription", "Subscription ID", "sub_"),
            _e("status", "Status", _CS_STATUSES),
            *_paging("cs_"),
        ),
        doc="list",
    ),
    CHECKOUT_SESSION.action(
        "retrieve_checkout_session",
        "Retrieve Checkout Session",
        "Retrieve a checkout session by ID",
        "GET /v1/checkout/sessions/{id}",
        "v1.checkout.sessions.retrieve",
        (_id("cs_", "Checkout Session ID"),),
        doc="retrieve",
        notes="On the success page, pass session_id from the URL ({CHECKOUT_SESSION_ID}).",
    ),
    CHECKOUT_SESSION.action(
        "create_checkout_session",
        "Create Checkout Session",
        "Create a Stripe Checkout session (hosted payment page)",
        "POST /v1/checkout/sessions",
        "v1.checkout.sessions.create",
        (
            _e("mode", "Mode", ("payment", "subscription", "setup"), required=True),
            Input(
                "line_items",
                "Line items",
                K.JSON,
                help='A JSON list, e.g. [{"price": "price_…", "quantity": 1}].',
            ),
            _s(
                "success_url",
                "Success URL",
                help="e.g. https://example.com/success?session_id={CHECKOUT_SESSION_ID}",
            ),
            _s("cancel_url", "Cancel URL"),
            _ref("customer", "Customer ID", "cus_"),
            _s("customer_email", "Customer email"),
            _s("client_reference_id", "Client reference ID", help="Your order or user id."),
            Input(
                "subscription_data",
                "Subscription data",
                K.JSON,
                help='For mode subscription, e.g. {"trial_period_days": 14}.',
            ),
            _b(
                "allow_promotion_codes", "Allow promotion codes", help="Show a code box on the Checkout page."
            ),
            Input(
                "discounts",
                "Discounts",
                K.JSON,
                help='Apply one yourself instead, e.g. [{"promotion_code": "promo_…"}] or [{"coupon": "…"}].',
            ),
            _meta(),
        ),
        doc="create",
        in_editor=True,
        notes="Return the session url to the page and redirect to it.",
    ),
    CHECKOUT_SESSION.action(
        "update_checkout_session",
        "Update Checkout Session",
        "Update a checkout session",
        "POST /v1/checkout/sessions/{id}",
        "v1.checkout.sessions.update",
        (_id("cs_", "Checkout Session ID"), _meta()),
        doc="update",
    ),
    CHECKOUT_SESSION.action(
        "list_checkout_session_line_items",
        "List Checkout Session Line Items",
        "List line items for a checkout session",
        "GET /v1/checkout/sessions/{id}/line_items",
        "v1.checkout.sessions.line_items.list",
        (_id("cs_", "Checkout Session ID"), *_paging("li_")),
        doc="line_items",
        object_kind="item",
    ),
    CHECKOUT_SESSION.action(
        "expire_checkout_session",
        "Expire Checkout Session",
        "Expire a checkout session",
        "POST /v1/checkout/sessions/{id}/expire",
        "v1.checkout.sessions.expire",
        (_id("cs_", "Checkout Session ID"),),
        doc="expire",
        notes="Only open sessions can be expired.",
    ),
)

_SETI_CANCEL = ("abandoned", "duplicate", "requested_by_customer")

SETUP_INTENTS = (
    SETUP_INTENT.action(
        "list_setup_intents",
        "List Setup Intents",
        "List setup intents",
        "GET /v1/setup_intents",
        "v1.setup_intents.list",
        (
            _ref("customer", "Customer ID", "cus_"),
            _ref("payment_method", "Payment method ID", "pm_"),
            *_paging("seti_"),
        ),
        doc="list",
    ),
    SETUP_INTENT.action(
        "retrieve_setup_intent",
        "Retrieve Setup Intent",
        "Retrieve a setup intent by ID",
        "GET /v1/setup_intents/{id}",
        "v1.setup_intents.retrieve",
        (_id("seti_", "Setup Intent ID"),),
        doc="retrieve",
    ),
    SETUP_INTENT.action(
        "create_setup_intent",
        "Create Setup Intent",
        "Save a payment method for later without charging",
        "POST /v1/setup_intents",
        "v1.setup_intents.create",
        (
            _ref("customer", "Customer ID", "cus_"),
            _ref("payment_method", "Payment method ID", "pm_"),
            Input("payment_method_types", "Payment method types", K.LIST, help="e.g. card."),
            _e("usage", "Usage", ("off_session", "on_session")),
            _b("confirm", "Confirm now"),
            _s("description", "Description"),
            _meta(),
        ),
        doc="create",
    ),
    SETUP_INTENT.action(
        "confirm_setup_intent",
        "Confirm Setup Intent",
        "Confirm a setup intent",
        "POST /v1/setup_intents/{id}/confirm",
        "v1.setup_intents.confirm",
        (
            _id("seti_", "Setup Intent ID"),
            _ref("payment_method", "Payment method ID", "pm_"),
            _s("return_url", "Return URL"),
        ),
        doc="confirm",
    ),
    SETUP_INTENT.action(
        "cancel_setup_intent",
        "Cancel Setup Intent",
        "Cancel a setup intent",
        "POST /v1/setup_intents/{id}/cancel",
        "v1.setup_intents.cancel",
        (_id("seti_", "Setup Intent ID"), _e("cancellation_reason", "Reason", _SETI_CANCEL)),
        doc="cancel",
    ),
)

CHARGES = (
    CHARGE.action(
        "list_charges",
        "List Charges",
        "List charges",
        "GET /v1/charges",
        "v1.charges.list",
        (
            _ref("customer", "Customer ID", "cus_"),
            _ref("payment_intent", "Payment Intent ID", "pi_"),
            *_paging("ch_"),
        ),
        doc="list",
    ),
    CHARGE.action(
        "retrieve_charge",
        "Retrieve Charge",
        "Retrieve a charge by ID",
        "GET /v1/charges/{id}",
        "v1.charges.retrieve",
        (_id("ch_", "Charge ID"),),
        doc="retrieve",
    ),
)

PAYMENT_METHODS = (
    PAYMENT_METHOD.action(
        "list_payment_methods",
        "List Payment Methods",
        "List a customer's payment methods",
        "GET /v1/payment_methods",
        "v1.payment_methods.list",
        (_ref("customer", "Customer ID", "cus_"), _e("type", "Type", ("card",)), *_paging("pm_")),
        doc="list",
    ),
    PAYMENT_METHOD.action(
        "create_payment_method",
        "Create Payment Method",
        "Create a payment method from a test token",
        "POST /v1/payment_methods",
        "v1.payment_methods.create",
        (
            _e("type", "Type", ("card",), required=True),
            _s("card.token", "Card token", help="A test token such as tok_visa; never raw card numbers."),
            _s("billing_details.name", "Billing name"),
            _s("billing_details.email", "Billing email"),
            _meta(),
        ),
        doc="create",
        notes="Real card data belongs in Stripe's UI (Checkout or the payment element), never your backend.",
    ),
    PAYMENT_METHOD.action(
        "attach_payment_method",
        "Attach Payment Method",
        "Attach a payment method to a customer",
        "POST /v1/payment_methods/{id}/attach",
        "v1.payment_methods.attach",
        (_id("pm_", "Payment method ID"), _ref("customer", "Customer ID", "cus_", required=True)),
        doc="attach",
    ),
    PAYMENT_METHOD.action(
        "detach_payment_method",
        "Detach Payment Method",
        "Detach a payment method from its customer",
        "POST /v1/payment_methods/{id}/detach",
        "v1.payment_methods.detach",
        (_id("pm_", "Payment method ID"),),
        doc="detach",
    ),
)

_FROZEN = "Unix seconds, e.g. 1767225600 for 1 January 2026 00:00 UTC."
TEST_CLOCKS = (
    TEST_CLOCK.action(
        "list_test_clocks",
        "List Test Clocks",
        "List test clocks",
        "GET /v1/test_helpers/test_clocks",
        "v1.test_helpers.test_clocks.list",
        _paging("clock_"),
        doc="list",
    ),
    TEST_CLOCK.action(
        "retrieve_test_clock",
        "Retrieve Test Clock",
        "Retrieve a test clock: its frozen time and status (advancing, ready)",
        "GET /v1/test_helpers/test_clocks/{id}",
        "v1.test_helpers.test_clocks.retrieve",
        (_id("clock_", "Test clock ID"),),
        doc="retrieve",
    ),
    TEST_CLOCK.action(
        "create_test_clock",
        "Create Test Clock",
        "Create a test clock frozen at a time, for customers whose billing you want to move through time",
        "POST /v1/test_helpers/test_clocks",
        "v1.test_helpers.test_clocks.create",
        (
            Input("frozen_time", "Frozen time", K.INT, required=True, help=_FROZEN),
            _s("name", "Name"),
        ),
        doc="create",
        notes="Test mode only. Create customers with test_clock=clock_… so their subscriptions live on it.",
    ),
    TEST_CLOCK.action(
        "advance_test_clock",
        "Advance Test Clock",
        "Move a test clock forward: trials end, subscriptions renew, invoices are charged",
        "POST /v1/test_helpers/test_clocks/{id}/advance",
        "v1.test_helpers.test_clocks.advance",
        (
            _id("clock_", "Test clock ID"),
            Input("frozen_time", "New frozen time", K.INT, required=True, help=_FROZEN),
        ),
        doc="advance",
        notes="Answers status advancing; retrieve it until ready. At most two billing intervals at a time.",
    ),
    TEST_CLOCK.action(
        "delete_test_clock",
        "Delete Test Clock",
        "Delete a test clock with its customers and their subscriptions",
        "DELETE /v1/test_helpers/test_clocks/{id}",
        "v1.test_helpers.test_clocks.delete",
        (_id("clock_", "Test clock ID"),),
        doc="delete",
    ),
)

# --- Discounts, taxes and credit notes: backend-only (WeWeb's integration has no action for them) ----------

COUPON = Resource("Coupons", "coupon", "coupon", "coupons", in_editor=False, in_weweb_reference=False)
PROMOTION_CODE = Resource(
    "Promotion Codes",
    "promotion_code",
    "promotion_code",
    "promotion_codes",
    in_editor=False,
    in_weweb_reference=False,
)
TAX_RATE = Resource(
    "Tax Rates", "tax_rate", "tax_rate", "tax_rates", in_editor=False, in_weweb_reference=False
)
CREDIT_NOTE = Resource(
    "Credit Notes", "credit_note", "credit_note", "credit_notes", in_editor=False, in_weweb_reference=False
)

_COUPON_ID = Input(
    "id", "Coupon ID", K.STRING, required=True, in_path=True, help="e.g. SUMMER25 or 8 characters."
)
_DURATIONS = ("once", "repeating", "forever")

COUPONS = (
    COUPON.action(
        "list_coupons",
        "List Coupons",
        "List coupons",
        "GET /v1/coupons",
        "v1.coupons.list",
        (
            Input("limit", "Limit", K.INT, help="How many coupons, 1 to 100 (Stripe's default is 10)."),
            _s(
                "starting_after",
                "Starting after",
                help="Cursor: the id of the last coupon of the previous page.",
            ),
        ),
        doc="list",
    ),
    COUPON.action(
        "retrieve_coupon",
        "Retrieve Coupon",
        "Retrieve a coupon by ID",
        "GET /v1/coupons/{id}",
        "v1.coupons.retrieve",
        (_COUPON_ID,),
        doc="retrieve",
    ),
    COUPON.action(
        "create_coupon",
        "Create Coupon",
        "Create a percentage or fixed-amount coupon",
        "POST /v1/coupons",
        "v1.coupons.create",
        (
            Input(
                "percent_off",
                "Percent off",
                K.PERCENT,
                percent_purpose="discount",
                help="e.g. 15 or 25.5 (greater than 0, at most 100).",
            ),
            _amt("amount_off", "Amount off", "discount", help="A fixed amount off, with its currency."),
            _cur(),
            _e(
                "duration",
                "Duration",
                _DURATIONS,
                help="How long it applies on a subscription (default once).",
            ),
            _i("duration_in_months", "Duration in months", help="Required with duration repeating."),
            _i("max_redemptions", "Max redemptions", help="How many times it can be redeemed in all."),
            _i("redeem_by", "Redeem by", help="Unix timestamp after which it can no longer be redeemed."),
            _s("id", "ID", help="Your own code-like id, e.g. SUMMER25; Stripe generates one if empty."),
            _s("name", "Name", help="Shown to customers on invoices and receipts."),
            _meta(),
        ),
        doc="create",
        one_of=(("percent_off", "amount_off"),),
        notes="Customers type promotion codes, not coupon ids: create a promotion code for this coupon.",
    ),
    COUPON.action(
        "update_coupon",
        "Update Coupon",
        "Rename a coupon or change its metadata",
        "POST /v1/coupons/{id}",
        "v1.coupons.update",
        (_COUPON_ID, _s("name", "Name"), _meta()),
        doc="update",
        notes="What a coupon takes off never changes: create a new coupon instead.",
    ),
    COUPON.action(
        "delete_coupon",
        "Delete Coupon",
        "Delete a coupon (existing discounts keep it)",
        "DELETE /v1/coupons/{id}",
        "v1.coupons.delete",
        (_COUPON_ID,),
        doc="delete",
    ),
)

PROMOTION_CODES = (
    PROMOTION_CODE.action(
        "list_promotion_codes",
        "List Promotion Codes",
        "List promotion codes, or find the one a customer typed",
        "GET /v1/promotion_codes",
        "v1.promotion_codes.list",
        (
            _s("code", "Code", help="The code as the customer typed it (case-insensitive)."),
            _b("active", "Active"),
            _s("coupon", "Coupon ID"),
            _ref("customer", "Customer ID", "cus_"),
            *_paging("promo_"),
        ),
        doc="list",
    ),
    PROMOTION_CODE.action(
        "retrieve_promotion_code",
        "Retrieve Promotion Code",
        "Retrieve a promotion code by ID",
        "GET /v1/promotion_codes/{id}",
        "v1.promotion_codes.retrieve",
        (_id("promo_", "Promotion code ID"),),
        doc="retrieve",
    ),
    PROMOTION_CODE.action(
        "create_promotion_code",
        "Create Promotion Code",
        "Create a code customers type for a coupon",
        "POST /v1/promotion_codes",
        "v1.promotion_codes.create",
        (
            _s("promotion.coupon", "Coupon ID", required=True),
            _s("code", "Code", help="e.g. WELCOME10: letters, digits and dashes; generated if empty."),
            _b("active", "Active"),
            _i("max_redemptions", "Max redemptions"),
            _i("expires_at", "Expires at", help="Unix timestamp."),
            _ref("customer", "Only for customer", "cus_"),
            _b("restrictions.first_time_transaction", "First-time customers only"),
            _amt(
                "restrictions.minimum_amount",
                "Minimum amount",
                "discount",
                currency_input="restrictions.minimum_amount_currency",
                help="The order must be at least this much.",
            ),
            _cur("restrictions.minimum_amount_currency", label="Minimum amount currency"),
            _meta(),
        ),
        doc="create",
        fixed={"promotion.type": "coupon"},
    ),
    PROMOTION_CODE.action(
        "update_promotion_code",
        "Update Promotion Code",
        "Turn a promotion code on or off",
        "POST /v1/promotion_codes/{id}",
        "v1.promotion_codes.update",
        (_id("promo_", "Promotion code ID"), _b("active", "Active"), _meta()),
        doc="update",
    ),
)

TAX_RATES = (
    TAX_RATE.action(
        "list_tax_rates",
        "List Tax Rates",
        "List tax rates",
        "GET /v1/tax_rates",
        "v1.tax_rates.list",
        (_b("active", "Active"), _b("inclusive", "Inclusive"), *_paging("txr_")),
        doc="list",
    ),
    TAX_RATE.action(
        "retrieve_tax_rate",
        "Retrieve Tax Rate",
        "Retrieve a tax rate by ID",
        "GET /v1/tax_rates/{id}",
        "v1.tax_rates.retrieve",
        (_id("txr_", "Tax rate ID"),),
        doc="retrieve",
    ),
    TAX_RATE.action(
        "create_tax_rate",
        "Create Tax Rate",
        "Create an inclusive or exclusive tax rate",
        "POST /v1/tax_rates",
        "v1.tax_rates.create",
        (
            _s("display_name", "Display name", required=True, help="e.g. VAT or Sales tax."),
            Input(
                "percentage",
                "Percentage",
                K.PERCENT,
                required=True,
                percent_purpose="tax",
                help="e.g. 20 or 8.25.",
            ),
            Input(
                "inclusive",
                "Inclusive",
                K.BOOL,
                required=True,
                help="true: prices already contain the tax (VAT). false: it is added on top (US sales tax).",
            ),
            _s("country", "Country", help="Two-letter code, e.g. FR."),
            _s("jurisdiction", "Jurisdiction"),
            _s("description", "Description"),
            _meta(),
        ),
        doc="create",
        notes="Percentage and inclusive never change afterwards; archive with active=false instead.",
    ),
    TAX_RATE.action(
        "update_tax_rate",
        "Update Tax Rate",
        "Rename or archive a tax rate",
        "POST /v1/tax_rates/{id}",
        "v1.tax_rates.update",
        (
            _id("txr_", "Tax rate ID"),
            _b("active", "Active", help="Off archives it: it stays where it is but cannot be added again."),
            _s("display_name", "Display name"),
            _s("description", "Description"),
            _meta(),
        ),
        doc="update",
    ),
)

_CREDIT_NOTE_INPUTS = (
    _ref("invoice", "Invoice ID", "in_", required=True),
    _amt("amount", "Amount", "refund", currency_input=None, help="The total to credit, tax included."),
    Input(
        "lines",
        "Lines",
        K.JSON,
        help='Instead of an amount, e.g. [{"type": "invoice_line_item", "invoice_line_item": "il_…", '
        '"quantity": 1}].',
    ),
    _amt("refund_amount", "Refund amount", "refund", currency_input=None, help="Refunded to the card."),
    _amt(
        "credit_amount", "Credit amount", "refund", currency_input=None, help="Added to the customer balance."
    ),
    _amt(
        "out_of_band_amount",
        "Out of band amount",
        "refund",
        currency_input=None,
        help="Settled outside Stripe.",
    ),
    _e("reason", "Reason", ("duplicate", "fraudulent", "order_change", "product_unsatisfactory")),
    _s("memo", "Memo"),
)

CREDIT_NOTES = (
    CREDIT_NOTE.action(
        "list_credit_notes",
        "List Credit Notes",
        "List credit notes",
        "GET /v1/credit_notes",
        "v1.credit_notes.list",
        (_ref("invoice", "Invoice ID", "in_"), _ref("customer", "Customer ID", "cus_"), *_paging("cn_")),
        doc="list",
    ),
    CREDIT_NOTE.action(
        "retrieve_credit_note",
        "Retrieve Credit Note",
        "Retrieve a credit note by ID",
        "GET /v1/credit_notes/{id}",
        "v1.credit_notes.retrieve",
        (_id("cn_", "Credit note ID"),),
        doc="retrieve",
    ),
    CREDIT_NOTE.action(
        "preview_credit_note",
        "Preview Credit Note",
        "See the amounts a credit note would have, without issuing it",
        "GET /v1/credit_notes/preview",
        "v1.credit_notes.preview",
        _CREDIT_NOTE_INPUTS,
        doc="preview",
        one_of=(("amount", "lines"),),
    ),
    CREDIT_NOTE.action(
        "create_credit_note",
        "Create Credit Note",
        "Credit an open or paid invoice (and refund it)",
        "POST /v1/credit_notes",
        "v1.credit_notes.create",
        (*_CREDIT_NOTE_INPUTS, _meta()),
        doc="create",
        one_of=(("amount", "lines"),),
        notes="On a paid invoice, refund_amount + credit_amount + out_of_band_amount must equal what the "
        "invoice's amount remaining does not absorb.",
    ),
    CREDIT_NOTE.action(
        "void_credit_note",
        "Void Credit Note",
        "Void a credit note",
        "POST /v1/credit_notes/{id}/void",
        "v1.credit_notes.void_credit_note",
        (_id("cn_", "Credit note ID"),),
        doc="void",
    ),
)

# --- Customer balance: backend-only ------------------------------------------------------------------------

CUSTOMER_BALANCE = Resource(
    "Customer Balance",
    "customer_balance_transaction",
    "customer",
    "customer_balance_transactions",
    in_editor=False,
    in_weweb_reference=False,
)
_BALANCE_CUSTOMER = Input("customer", "Customer ID", K.ID, required=True, id_prefix=("cus_",), in_path=True)

CUSTOMER_BALANCE_TRANSACTIONS = (
    CUSTOMER_BALANCE.action(
        "list_customer_balance_transactions",
        "List Customer Balance Transactions",
        "List the ledger of a customer's credit balance",
        "GET /v1/customers/{customer}/balance_transactions",
        "v1.customers.balance_transactions.list",
        (_BALANCE_CUSTOMER, _ref("invoice", "Invoice ID", "in_"), *_paging("cbtxn_")),
        doc="list",
    ),
    CUSTOMER_BALANCE.action(
        "create_customer_balance_transaction",
        "Create Customer Balance Transaction",
        "Credit (negative) or debit (positive) a customer's balance for their next invoice",
        "POST /v1/customers/{customer}/balance_transactions",
        "v1.customers.balance_transactions.create",
        (
            _BALANCE_CUSTOMER,
            _amt(
                "amount",
                "Amount",
                "invoice_item",
                required=True,
                allow_negative=True,
                help="Negative is a credit the next invoice uses, positive a debit it collects.",
            ),
            _cur(required=True),
            _s("description", "Description"),
            _meta(),
        ),
        doc="create",
        notes="The balance is applied when the customer's next invoice is finalized (its starting_balance "
        "and ending_balance show it).",
    ),
)

ACTIONS: tuple[Action, ...] = (
    *PRODUCTS,
    *PRICES,
    *CUSTOMERS,
    *INVOICES,
    *INVOICE_ITEMS,
    *SUBSCRIPTIONS,
    *PAYMENT_INTENTS,
    *REFUNDS,
    *CHECKOUT,
    *SETUP_INTENTS,
    *CHARGES,
    *PAYMENT_METHODS,
    *TEST_CLOCKS,
    *COUPONS,
    *PROMOTION_CODES,
    *TAX_RATES,
    *CREDIT_NOTES,
    *CUSTOMER_BALANCE_TRANSACTIONS,
)
