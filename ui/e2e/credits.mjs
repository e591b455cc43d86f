// Credits and spending in the browser, on a server that keeps credits and sells them through a
// Stripe-compatible checkout. The payment API is a stand-in on 127.0.0.1 started here: it opens
// Checkout Sessions as Stripe answers them, shows a checkout page whose "Pay" delivers a
// `checkout.session.completed` webhook signed as Stripe signs it, then redirects back to the
// app. Also: the per-schedule spending cap, set, kept and removed from the agent's page.
import { createServer } from "node:http";
import { createHmac, randomBytes } from "node:crypto";
import { FIRST_USER, apiCall, assert, assertAccessible, shot, signIn, startServer, watchedPage } from "./harness.mjs";

const SECRET_KEY = "sk_test_e2e";
const WEBHOOK_SECRET = `whsec_${randomBytes(16).toString("hex")}`;

/** Stripe's `Stripe-Signature`: `t=<unix>,v1=<hex HMAC-SHA256 of "t.body">`. */
export function stripeSignature(secret, body, t = Math.floor(Date.now() / 1000)) {
  return `t=${t},v1=${createHmac("sha256", secret).update(`${t}.${body}`).digest("hex")}`;
}

/** The stand-in payment provider. `target` is the app's URL (for the webhook), set once known. */
async function fakeStripe() {
  const sessions = new Map();
  const deliveries = [];
  const state = { target: "" };
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", async () => {
      const url = new URL(req.url, "http://127.0.0.1");
      if (req.method === "POST" && url.pathname === "/v1/checkout/sessions") {
        if (req.headers.authorization !== `Bearer ${SECRET_KEY}`) {
          res.writeHead(401, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: "Invalid API Key provided" } }));
          return;
        }
        const form = new URLSearchParams(body);
        const id = `cs_test_${randomBytes(12).toString("hex")}`;
        const session = {
          id,
          object: "checkout.session",
          mode: form.get("mode"),
          client_reference_id: form.get("client_reference_id"),
          amount_total: Number(form.get("line_items[0][price_data][unit_amount]")),
          currency: form.get("line_items[0][price_data][currency]"),
          metadata: { user_id: form.get("metadata[user_id]"), credit_amount: form.get("metadata[credit_amount]") },
          success_url: form.get("success_url"),
          cancel_url: form.get("cancel_url"),
          payment_status: "unpaid",
          url: `http://${req.headers.host}/pay/${id}`,
        };
        sessions.set(id, session);
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(session));
      } else if (url.pathname.startsWith("/pay/") && sessions.has(url.pathname.slice(5))) {
        const session = sessions.get(url.pathname.slice(5));
        if (req.method === "GET") {
          res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(
            `<!doctype html><html lang="en"><title>Checkout</title><main><h1>Pay ${(session.amount_total / 100).toFixed(2)} ${session.currency}</h1>` +
              `<form method="post"><button type="submit">Pay</button></form><a href="${session.cancel_url}">Cancel</a></main></html>`,
          );
          return;
        }
        // Paid: the provider tells the app (signed), then sends the buyer back.
        session.payment_status = "paid";
        const event = JSON.stringify({ id: `evt_${randomBytes(8).toString("hex")}`, object: "event", type: "checkout.session.completed", data: { object: session } });
        const answer = await fetch(`${state.target}/api/credits/stripe_webhook`, {
          method: "POST",
          headers: { "content-type": "application/json", "stripe-signature": stripeSignature(WEBHOOK_SECRET, event) },
          body: event,
        });
        deliveries.push({ event, status: answer.status });
        res.writeHead(303, { location: session.success_url }).end();
      } else if (url.pathname === "/favicon.ico") {
        res.writeHead(204).end();
      } else {
        res.writeHead(404).end();
      }
    });
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  return { url: `http://127.0.0.1:${server.address().port}`, state, sessions, deliveries, close: () => server.close() };
}

/** A server with credits on and payments through `stripe`. */
function paidServer(stripe) {
  return startServer({
    primary: false,
    env: (url) => ({
      AGENTRY_CREDITS__ENABLED: "true",
      AGENTRY_CREDITS__DEFAULT_BLOCK_COST: "1",
      AGENTRY_PAYMENTS__API_BASE: stripe.url,
      AGENTRY_PAYMENTS__SECRET_KEY: SECRET_KEY,
      AGENTRY_PAYMENTS__WEBHOOK_SECRET: WEBHOOK_SECRET,
      AGENTRY_PAYMENTS__SUCCESS_URL: `${url}/settings/credits?done=1`,
      AGENTRY_PAYMENTS__CANCEL_URL: `${url}/settings/credits`,
    }),
  });
}

/** The first account on a fresh server: signed up through the API. */
async function adminPage(browser, server, options = {}) {
  const page = await watchedPage(browser, options.viewport, { signedIn: false, expectRefusals: false, server: server.url, colorScheme: options.colorScheme });
  const made = await page.request.post("/api/auth/signup", { data: { ...FIRST_USER, session: "cookie" } });
  if (!made.ok()) await signIn(page, FIRST_USER);
  return page;
}

const balance = (page) => page.getByTestId("balance");

export const creditScenarios = {
  async "credits: a top-up through the checkout, its webhook, the balance and the ledger"({ browser }) {
    const stripe = await fakeStripe();
    const server = await paidServer(stripe);
    stripe.state.target = server.url;
    try {
      const page = await adminPage(browser, server);
      await page.goto("/settings/credits");
      await balance(page).getByText("0 credits").waitFor();
      await page.getByRole("form", { name: "Buy credits" }).getByRole("spinbutton").fill("750");
      await page.getByRole("button", { name: "Buy ($7.50)" }).click();
      // The provider's checkout page, then back to the app.
      await page.waitForURL(`${stripe.url}/pay/**`);
      await page.getByRole("heading", { name: "Pay 7.50 usd" }).waitFor();
      await page.getByRole("button", { name: "Pay" }).click();
      await page.waitForURL(/\/settings\/credits\?done=1$/);
      assert(stripe.deliveries.length === 1 && stripe.deliveries[0].status === 200, `the webhook was taken: ${JSON.stringify(stripe.deliveries.map((d) => d.status))}`);
      const [session] = stripe.sessions.values();
      assert(session.amount_total === 750 && session.mode === "payment", "the checkout asked for 750 cents");
      await page.getByRole("status").filter({ hasText: "Thank you" }).waitFor();
      await balance(page).getByText("750 credits").waitFor();
      const ledger = page.getByTestId("ledger");
      await ledger.getByRole("cell", { name: "TOP_UP", exact: true }).waitFor();
      await ledger.getByRole("cell", { name: "+750", exact: true }).waitFor();

      // The same event again changes nothing; a badly signed one is refused.
      const replay = stripe.deliveries[0].event;
      const again = await fetch(`${server.url}/api/credits/stripe_webhook`, {
        method: "POST",
        headers: { "content-type": "application/json", "stripe-signature": stripeSignature(WEBHOOK_SECRET, replay) },
        body: replay,
      });
      assert(again.status === 200, `a replayed event is acknowledged: ${again.status}`);
      const forged = await fetch(`${server.url}/api/credits/stripe_webhook`, {
        method: "POST",
        headers: { "content-type": "application/json", "stripe-signature": stripeSignature("whsec_wrong", replay) },
        body: replay,
      });
      assert(forged.status === 401, `a badly signed event is refused: ${forged.status}`);
      await page.reload();
      await balance(page).getByText("750 credits").waitFor();
      await ledger.getByRole("cell", { name: "TOP_UP", exact: true }).first().waitFor();
      assert((await ledger.getByRole("cell", { name: "TOP_UP", exact: true }).count()) === 1, "one top-up in the ledger");

      // Spending: a run is charged per node and listed with a link to it.
      const blocks = await apiCall(page, "GET", "/api/blocks");
      const calc = blocks.find((b) => b.name === "CalculatorBlock").id;
      const graph = await apiCall(page, "POST", "/api/graphs", {
        graph: { name: "Sum", description: "", nodes: [{ id: crypto.randomUUID(), block_id: calc, input_default: { operation: "Add", a: 1, b: 2 }, metadata: { position: { x: 0, y: 0 } } }], links: [] },
      });
      const run = await apiCall(page, "POST", `/api/graphs/${graph.id}/execute/${graph.version}`, { inputs: {} });
      await page.reload();
      for (let i = 0; i < 50 && !(await ledger.getByRole("cell", { name: "USAGE", exact: true }).count()); i++) {
        await page.waitForTimeout(200);
        await page.reload();
        await ledger.waitFor();
      }
      await ledger.getByRole("link", { name: `run ${run.id.slice(0, 8)}` }).waitFor();
      await balance(page).getByText("749 credits").waitFor();
      await shot(page, "credits-topup");
      await assertAccessible(page, "the credits page after a top-up");
      page.assertQuiet();
      await page.context().close();

      for (const [viewport, colorScheme, label] of [[{ width: 360, height: 740 }, "light", "at 360 px"], [undefined, "dark", "in the dark theme"]]) {
        const other = await adminPage(browser, server, { viewport, colorScheme });
        await other.goto("/settings/credits");
        await other.getByTestId("ledger").waitFor();
        if (viewport) assert((await other.evaluate(() => document.documentElement.scrollWidth)) <= 360, "the credits page fits 360 px");
        await assertAccessible(other, `the credits page ${label}`);
        other.assertQuiet();
        await other.context().close();
      }
    } finally {
      server.stop();
      stripe.close();
    }
  },

  async "schedules: a spending cap set, kept and removed from the agent's page"({ browser }) {
    const stripe = await fakeStripe();
    const server = await paidServer(stripe);
    try {
      const page = await adminPage(browser, server);
      const blocks = await apiCall(page, "GET", "/api/blocks");
      const calc = blocks.find((b) => b.name === "CalculatorBlock").id;
      const graph = await apiCall(page, "POST", "/api/graphs", {
        graph: { name: "Nightly sum", description: "", nodes: [{ id: crypto.randomUUID(), block_id: calc, input_default: { operation: "Add", a: 1, b: 2 }, metadata: { position: { x: 0, y: 0 } } }], links: [] },
      });
      await page.goto(`/library/${graph.id}`);
      await page.getByRole("heading", { name: "Schedules" }).waitFor();
      await page.getByLabel("Schedule name").fill("Nightly");
      await page.getByRole("button", { name: "Add schedule" }).click();
      const row = page.getByTestId("schedule").filter({ hasText: "Nightly" });
      const cap = row.getByRole("form", { name: "Spending cap of Nightly" });
      await cap.getByTestId("cap-state").getByText("Spent 0 credits, no cap").waitFor();
      // A bad cap is refused with a reason, and nothing changes.
      await cap.getByLabel("Cap for Nightly (credits)").fill("-5");
      await cap.getByRole("button", { name: "Set cap" }).click();
      await cap.getByRole("alert").getByText(/whole number/).waitFor();
      await cap.getByLabel("Cap for Nightly (credits)").fill("99999999999");
      await cap.getByRole("button", { name: "Set cap" }).click();
      await cap.getByRole("alert").getByText(/a cap is from 0 to/).waitFor();
      page.forgive(400);
      await cap.getByLabel("Cap for Nightly (credits)").fill("40");
      await cap.getByRole("button", { name: "Set cap" }).click();
      await cap.getByTestId("cap-state").getByText("Spent 0 credits of at most 40").waitFor();
      const [schedule] = await apiCall(page, "GET", `/api/graphs/${graph.id}/schedules`);
      const stored = await apiCall(page, "GET", `/api/schedules/${schedule.id}/spending-cap`);
      assert(stored.max_credits === 40, `the server keeps the cap: ${JSON.stringify(stored)}`);
      await page.reload();
      await cap.getByTestId("cap-state").getByText("Spent 0 credits of at most 40").waitFor();
      assert((await cap.getByLabel("Cap for Nightly (credits)").inputValue()) === "40", "the field shows the cap");
      await shot(page, "schedule-spending-cap");
      await assertAccessible(page, "the agent page with a spending cap");
      for (const [viewport, colorScheme, label] of [[{ width: 360, height: 740 }, "light", "at 360 px"], [undefined, "dark", "in the dark theme"]]) {
        const other = await adminPage(browser, server, { viewport, colorScheme });
        await other.goto(`/library/${graph.id}`);
        await other.getByTestId("cap-state").getByText("of at most 40").waitFor();
        if (viewport) assert((await other.evaluate(() => document.documentElement.scrollWidth)) <= 360, "the agent page fits 360 px");
        await assertAccessible(other, `the spending cap ${label}`);
        other.assertQuiet();
        await other.context().close();
      }
      await cap.getByRole("button", { name: "Remove cap" }).click();
      await cap.getByTestId("cap-state").getByText("Spent 0 credits, no cap").waitFor();
      const removed = await apiCall(page, "GET", `/api/schedules/${schedule.id}/spending-cap`);
      assert(removed.max_credits === null, "the cap is removed");
      page.assertQuiet();
      await page.context().close();
    } finally {
      server.stop();
      stripe.close();
    }
  },
};
