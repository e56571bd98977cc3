// Drives the official stripe-node SDK, unchanged, against the local sandbox: the proof behind the promise that
// the sandbox is "Stripe at another base address" for Node too, not only for stripe-python.
//
// Run by tests/sandbox/test_node_sdk.py. Inputs come from the environment, never argv, because argv is visible
// to every user of the machine (ps) and the keys are secrets:
//   SANDBOX_API_BASE         e.g. http://127.0.0.1:12111
//   SANDBOX_SECRET_KEY       the account's sk_test_ key
//   SANDBOX_PUBLISHABLE_KEY  the same account's pk_test_ key
//   SANDBOX_WEBHOOK_SECRET, SANDBOX_WEBHOOK_PAYLOAD, SANDBOX_WEBHOOK_SIGNATURE (optional): a payload signed by
//     the sandbox's own signer, which stripe-node's verifier must accept.
// Prints one JSON summary on stdout; exits 1 if any expectation failed (each failure is listed in the summary
// and on stderr). Keys are never printed.

import crypto from 'node:crypto';
import Stripe from 'stripe';

const failures = [];
const summary = {sdk_version: null, api_version: null, checks: {}, failures};

function expect(condition, what) {
  if (!condition) {
    failures.push(what);
  }
  return condition;
}

function required(name) {
  const value = process.env[name];
  if (!value) {
    process.stderr.write(`error: environment variable ${name} is not set (see the header of this file)\n`);
    process.exit(2);
  }
  return value;
}

function clientFor(key, apiBase) {
  const url = new URL(apiBase);
  return new Stripe(key, {
    host: url.hostname,
    port: url.port || (url.protocol === 'https:' ? '443' : '80'),
    protocol: url.protocol.replace(':', ''),
    timeout: 20000,
  });
}

// Runs `call`, which must fail; returns the error's fields that the checks compare (never the raw error, whose
// `headers` and request data are not for printing).
async function failureOf(call) {
  try {
    await call();
  } catch (error) {
    return {
      class: error.constructor?.name ?? null,
      type: error.rawType ?? null, // Stripe's error type; error.type is the SDK's class name
      status: error.statusCode ?? null,
      code: error.code ?? null,
      decline_code: error.decline_code ?? null,
      message: error.message ?? null,
      param: error.param ?? null,
      request_id: error.requestId ?? null,
      raw: error.raw ?? null,
    };
  }
  return null;
}

async function section(name, body) {
  try {
    summary.checks[name] = await body();
  } catch (error) {
    const detail = `${error.constructor?.name ?? 'Error'}: ${error.message}`;
    failures.push(`${name}: unexpected ${detail}`);
    summary.checks[name] = {unexpected_error: detail};
  }
}

const apiBase = required('SANDBOX_API_BASE');
const stripe = clientFor(required('SANDBOX_SECRET_KEY'), apiBase);
const publishable = clientFor(required('SANDBOX_PUBLISHABLE_KEY'), apiBase);
summary.sdk_version = Stripe.PACKAGE_VERSION;
summary.api_version = stripe.getApiField('version');

let productId = null;

await section('product', async () => {
  const metadata = {sku: 'TS-42', note: 'a&b=c über [x]'};
  const product = await stripe.products.create({name: 'Node T-shirt', metadata});
  productId = product.id;
  expect(/^prod_\w+$/.test(product.id), `product id looks like prod_…: ${product.id}`);
  expect(product.object === 'product', `product.object: ${product.object}`);
  expect(JSON.stringify(product.metadata) === JSON.stringify(metadata),
    `metadata round-trips through bracket encoding: ${JSON.stringify(product.metadata)}`);
  return {id: product.id, object: product.object, metadata: product.metadata,
    request_id: product.lastResponse.requestId, status_code: product.lastResponse.statusCode};
});

let priceId = null;

await section('price', async () => {
  const price = await stripe.prices.create({
    product: productId, unit_amount: 1500, currency: 'usd', recurring: {interval: 'month'},
  });
  priceId = price.id;
  expect(/^price_\w+$/.test(price.id), `price id looks like price_…: ${price.id}`);
  expect(price.type === 'recurring', `price.type: ${price.type}`);
  expect(price.recurring?.interval === 'month', `price.recurring.interval: ${price.recurring?.interval}`);
  return {id: price.id, type: price.type, interval: price.recurring?.interval, unit_amount: price.unit_amount};
});

await section('expand', async () => {
  const price = await stripe.prices.retrieve(priceId, {expand: ['product']});
  const expanded = typeof price.product === 'object' && price.product !== null;
  expect(expanded && price.product.id === productId, `expand[]=product gives the product object`);
  return {price: price.id, product_type: typeof price.product, product_id: expanded ? price.product.id : null,
    product_name: expanded ? price.product.name : null};
});

await section('pagination', async () => {
  const created = [productId];
  for (let i = 0; i < 4; i += 1) {
    created.push((await stripe.products.create({name: `Node page ${i}`})).id);
  }
  const seenEach = [];
  await stripe.products.list({limit: 2}).autoPagingEach((product) => {
    seenEach.push(product.id);
  });
  const seenIter = [];
  for await (const product of stripe.products.list({limit: 3})) {
    seenIter.push(product.id);
  }
  const firstPage = await stripe.products.list({limit: 2});
  const newestFirst = [...created].reverse();
  expect(JSON.stringify(seenEach) === JSON.stringify(newestFirst),
    `autoPagingEach with limit 2 sees every product once, newest first: ${JSON.stringify(seenEach)}`);
  expect(JSON.stringify(seenIter) === JSON.stringify(newestFirst), `for await sees every product once`);
  expect(firstPage.has_more === true && firstPage.data.length === 2, `first page of 2 has_more`);
  return {created: created.length, seen_auto_paging_each: seenEach.length, seen_for_await: seenIter.length,
    first_page_has_more: firstPage.has_more, first_page_url: firstPage.url};
});

await section('idempotency', async () => {
  const idempotencyKey = `node-${crypto.randomUUID()}`;
  const params = {name: 'Node idempotent', metadata: {attempt: '1'}};
  const first = await stripe.products.create(params, {idempotencyKey});
  const replay = await stripe.products.create(params, {idempotencyKey});
  const firstReplayed = first.lastResponse.headers['idempotent-replayed'] ?? null;
  const replayed = replay.lastResponse.headers['idempotent-replayed'] ?? null;
  expect(first.id === replay.id, `same idempotency key gives the same id: ${first.id} vs ${replay.id}`);
  expect(firstReplayed === null, `first response is not marked replayed: ${firstReplayed}`);
  expect(replayed === 'true', `replay carries Idempotent-Replayed: true: ${replayed}`);
  expect(replay.lastResponse.idempotencyKey === idempotencyKey, `lastResponse.idempotencyKey echoes the key`);
  const conflict = await failureOf(() => stripe.products.create({name: 'Other'}, {idempotencyKey}));
  expect(conflict?.class === 'StripeIdempotencyError', `other params, same key: ${conflict?.class}`);
  return {first_id: first.id, replay_id: replay.id, first_replayed_header: firstReplayed,
    replayed_header: replayed, conflict_class: conflict?.class ?? null, conflict_type: conflict?.type ?? null};
});

await section('not_found', async () => {
  const error = await failureOf(() => stripe.products.retrieve('prod_missing'));
  expect(error?.class === 'StripeInvalidRequestError', `404 class: ${error?.class}`);
  expect(error?.status === 404, `404 status: ${error?.status}`);
  expect(error?.code === 'resource_missing', `404 code: ${error?.code}`);
  expect(error?.message === "No such product: 'prod_missing'", `404 message: ${error?.message}`);
  expect(error?.param === 'id', `404 param: ${error?.param}`);
  expect(error?.type === 'invalid_request_error', `404 type: ${error?.type}`);
  return {class: error?.class, type: error?.type, status: error?.status, code: error?.code,
    message: error?.message, param: error?.param, request_id: error?.request_id};
});

await section('publishable_key', async () => {
  const error = await failureOf(() => publishable.products.list({limit: 1}));
  expect(error?.class === 'StripeAuthenticationError', `publishable key class: ${error?.class}`);
  expect(error?.status === 401, `publishable key status: ${error?.status}`);
  expect(error?.code === 'secret_key_required', `publishable key code: ${error?.code}`);
  expect(error?.type === 'invalid_request_error', `publishable key type: ${error?.type}`);
  return {class: error?.class, type: error?.type, status: error?.status, code: error?.code};
});

await section('declined', async () => {
  const error = await failureOf(() => stripe.paymentIntents.create({
    amount: 2000,
    currency: 'usd',
    payment_method: 'pm_card_visa_chargeDeclined',
    confirm: true,
    automatic_payment_methods: {enabled: true, allow_redirects: 'never'},
  }));
  const intent = error?.raw?.payment_intent ?? null;
  expect(error?.class === 'StripeCardError', `decline class: ${error?.class}`);
  expect(error?.status === 402, `decline status: ${error?.status}`);
  expect(error?.code === 'card_declined', `decline code: ${error?.code}`);
  expect(error?.decline_code === 'generic_decline', `decline_code: ${error?.decline_code}`);
  expect(error?.type === 'card_error', `decline type: ${error?.type}`);
  expect(intent?.status === 'requires_payment_method', `declined intent status: ${intent?.status}`);
  return {class: error?.class, type: error?.type, status: error?.status, code: error?.code,
    decline_code: error?.decline_code, message: error?.message, payment_intent: intent?.id ?? null,
    payment_intent_status: intent?.status ?? null};
});

await section('payment_intent', async () => {
  const created = await stripe.paymentIntents.create({
    amount: 1999,
    currency: 'usd',
    automatic_payment_methods: {enabled: true, allow_redirects: 'never'},
  });
  const confirmed = await stripe.paymentIntents.confirm(created.id, {payment_method: 'pm_card_visa'});
  expect(/^pi_\w+$/.test(created.id), `payment intent id looks like pi_…: ${created.id}`);
  expect(created.status === 'requires_payment_method', `created status: ${created.status}`);
  expect(confirmed.status === 'succeeded', `confirmed status: ${confirmed.status}`);
  expect(confirmed.amount_received === 1999, `amount_received: ${confirmed.amount_received}`);
  expect(/^ch_\w+$/.test(String(confirmed.latest_charge)), `latest_charge: ${confirmed.latest_charge}`);
  return {id: confirmed.id, created_status: created.status, status: confirmed.status,
    amount_received: confirmed.amount_received, latest_charge: confirmed.latest_charge};
});

await section('webhook_signature', async () => {
  // A real event of this account, signed and verified by stripe-node's own helpers.
  const events = await stripe.events.list({type: 'product.created', limit: 1});
  const event = events.data[0];
  expect(/^evt_\w+$/.test(String(event?.id)), `an event was recorded for product.created`);
  const secret = `whsec_${crypto.randomBytes(24).toString('hex')}`;
  const payload = JSON.stringify(event, null, 2);
  const header = stripe.webhooks.generateTestHeaderString({payload, secret});
  const verified = stripe.webhooks.constructEvent(payload, header, secret);
  expect(verified.id === event.id && verified.type === 'product.created', `constructEvent returns the event`);
  const tampered = await failureOf(() => stripe.webhooks.constructEvent(payload.replace('product', 'produce'),
    header, secret));
  expect(tampered?.class === 'StripeSignatureVerificationError', `tampered payload: ${tampered?.class}`);
  const result = {event_id: verified.id, event_type: verified.type, tampered_class: tampered?.class ?? null,
    sandbox_signed: null};
  // A header made by the sandbox's own signer (the one its webhook deliveries use).
  const sandboxPayload = process.env.SANDBOX_WEBHOOK_PAYLOAD;
  if (sandboxPayload) {
    const sandboxEvent = stripe.webhooks.constructEvent(sandboxPayload,
      required('SANDBOX_WEBHOOK_SIGNATURE'), required('SANDBOX_WEBHOOK_SECRET'));
    result.sandbox_signed = {event_id: sandboxEvent.id, event_type: sandboxEvent.type};
  }
  return result;
});

process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
if (failures.length > 0) {
  process.stderr.write(`${failures.length} expectation(s) failed:\n${failures.map((f) => `  - ${f}`).join('\n')}\n`);
  process.exit(1);
}
