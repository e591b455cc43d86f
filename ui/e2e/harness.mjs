// The end-to-end harness: a real `agentry serve` (signing in, as the README runs it) on a
// temporary SQLite file and a free 127.0.0.1 port, Debian's Chromium driven by playwright-core,
// axe-core for accessibility, and a console watch that fails a test on any error or warning the
// app logs. The first account is made through the sign-up page (`signUpFirst`); every other
// page a scenario opens is signed in as that account unless it asks otherwise.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { createServer as createHttpServer } from "node:http";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
export const ROOT = resolve(import.meta.dirname, "../..");
export const SHOTS = join(ROOT, "docs/ui");

function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
    s.on("error", fail);
  });
}

function binary() {
  if (process.env.AGENTRY_BIN) return process.env.AGENTRY_BIN;
  const target = process.env.CARGO_TARGET_DIR ?? join(ROOT, "target");
  const bin = join(target, "debug/agentry");
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run \`cargo build -p agentry\` first (or set AGENTRY_BIN)`);
  return bin;
}

// The server pages open by default (`baseURL` of every context).
let baseURL;

/** A stand-in OAuth2 provider on 127.0.0.1 for the "connect" flow: its authorize page sends
 * the browser straight back with a code, its token endpoint grants a token for that code. */
async function fakeOauthProvider() {
  const port = await freePort();
  const server = createHttpServer((req, res) => {
    const url = new URL(req.url, `http://127.0.0.1:${port}`);
    if (url.pathname === "/authorize") {
      const back = new URL(url.searchParams.get("redirect_uri"));
      back.searchParams.set("code", "e2e-code");
      back.searchParams.set("state", url.searchParams.get("state"));
      res.writeHead(302, { location: back.toString() }).end();
    } else if (url.pathname === "/token" && req.method === "POST") {
      let body = "";
      req.on("data", (d) => (body += d));
      req.on("end", () => {
        const ok = new URLSearchParams(body).get("code") === "e2e-code";
        res.writeHead(ok ? 200 : 400, { "content-type": "application/json" });
        res.end(JSON.stringify(ok ? { access_token: "gho_e2e", token_type: "bearer", expires_in: 3600, refresh_token: "ghr_e2e", scope: "repo" } : { error: "invalid_grant" }));
      });
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise((ok) => server.listen(port, "127.0.0.1", ok));
  return { url: `http://127.0.0.1:${port}`, close: () => server.close() };
}

/** Starts a server on a fresh database; `stop()` ends it and removes its files. `env` adds
 * settings (e.g. credits on), or is a function of the server's URL that returns them;
 * `primary: false` leaves the pages' default server as it is. */
export async function startServer({ env = {}, primary = true } = {}) {
  // For working on the app: a server (or `vite preview`) already running.
  if (process.env.E2E_SERVER_URL && primary) {
    baseURL = process.env.E2E_SERVER_URL;
    return { url: baseURL, log: () => "", stop: () => {} };
  }
  const dir = mkdtempSync(join(tmpdir(), "agentry-e2e-"));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // GitHub's OAuth2 login goes to the stand-in provider (the server reads agentry.toml from
  // its working directory).
  const provider = await fakeOauthProvider();
  writeFileSync(
    join(dir, "agentry.toml"),
    `[[oauth_providers]]
provider = "github"
client_id = "e2e-client"
client_secret = "e2e-secret"
auth_url = "${provider.url}/authorize"
token_url = "${provider.url}/token"
redirect_uri = "${url}/auth/integrations/oauth_callback"
scopes = ["repo"]
`,
  );
  const child = spawn(
    binary(),
    ["serve", "--host", "127.0.0.1", "--port", String(port), "--database-url", `sqlite://${join(dir, "agentry.db")}`],
    {
      cwd: dir,
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...process.env,
        AGENTRY_LOG: "warn",
        // Users store credentials: the server seals them with this key.
        AGENTRY_ENCRYPTION_KEY: `e2e:${randomBytes(32).toString("base64")}`,
        // A second account signs up in the scenarios.
        AGENTRY_AUTH__ALLOW_SIGNUP: "true",
        // Every scenario signs in from 127.0.0.1 within a minute or two: more than the default
        // sign-in limit per address allows. The limit itself is tested in the server crate.
        AGENTRY_PERIMETER__RATE_LIMITS__SIGN_IN_PER_IP__PER_MINUTE: "1000",
        AGENTRY_PERIMETER__RATE_LIMITS__SIGN_IN_PER_IP__BURST: "200",
        ...(typeof env === "function" ? env(url) : env),
      },
    },
  );
  let log = "";
  child.stdout.on("data", (d) => (log += d));
  child.stderr.on("data", (d) => (log += d));
  if (primary) baseURL = url;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${url}/health`)).ok) break;
    } catch {}
    if (i > 300 || child.exitCode !== null) throw new Error(`agentry serve did not start:\n${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    log: () => log,
    stop: () => {
      child.kill("SIGTERM");
      provider.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}

/** The first account, made by `signUpFirst`. */
export const FIRST_USER = { email: "admin@example.com", password: "correct horse battery" };

/** A fresh server's first visit: the app sends it to the sign-up page, which makes the admin. */
export async function signUpFirst(browser, server) {
  const page = await watchedPage(browser, undefined, { signedIn: false });
  await page.goto(server.url);
  await page.waitForURL(/\/signup/);
  await page.getByRole("heading", { name: "Create an account" }).waitFor();
  await page.getByLabel("Email").fill(FIRST_USER.email);
  await page.getByLabel("Password", { exact: true }).fill(FIRST_USER.password);
  await page.getByLabel("Password again").fill(FIRST_USER.password);
  await shot(page, "signup");
  await assertAccessible(page, "the sign-up page");
  await page.getByRole("button", { name: "Create account" }).click();
  await page.getByRole("heading", { name: "Library" }).waitFor();
  page.assertQuiet();
  await page.context().close();
}

/** Signs the page's browser context in through the API (cookie session), as `user`. */
export async function signIn(page, user = FIRST_USER) {
  const res = await page.request.post("/api/auth/login", { data: { ...user, session: "cookie" } });
  if (!res.ok()) throw new Error(`sign-in failed: ${res.status()} ${await res.text()}`);
}

/** An API call from the page's signed-in context, with the CSRF header a change needs. */
export async function apiCall(page, method, path, data) {
  const cookies = await page.context().cookies();
  const csrf = cookies.find((c) => c.name === "agentry_csrf")?.value ?? "";
  const res = await page.request.fetch(path, { method, data, headers: { "X-CSRF-Token": csrf } });
  if (!res.ok()) throw new Error(`${method} ${path}: ${res.status()} ${await res.text()}`);
  return res.status() === 204 ? null : res.json();
}

/** A page whose console errors and warnings (and uncaught exceptions) are collected; signed
 * in as the first account unless `signedIn` is false. Refused requests are problems too
 * unless `expectRefusals` (default: when not signed in). */
export async function watchedPage(
  browser,
  viewport = { width: 1400, height: 900 },
  { signedIn = true, expectRefusals = !signedIn, colorScheme = "light", server = baseURL } = {},
) {
  // bypassCSP: the server's Content-Security-Policy refuses inline scripts, axe-core's included.
  const context = await browser.newContext({ viewport, reducedMotion: "reduce", baseURL: server, bypassCSP: true, colorScheme });
  const page = await context.newPage();
  if (signedIn) await signIn(page);
  const problems = [];
  page.on("console", (m) => {
    // Chromium logs every 4xx answer; pages that are refused on purpose (signed out, a wrong
    // password, the sign-up probe) expect those and nothing else.
    if (expectRefusals && /^Failed to load resource: the server responded with a status of 4(00|01|03|04)\b/.test(m.text())) return;
    if (m.type() === "error" || m.type() === "warning") problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`uncaught: ${e.message}`));
  page.problems = problems;
  // A scenario that provokes a refusal on purpose drops Chromium's log line for it.
  page.forgive = (status) => {
    const line = new RegExp(`status of ${status}\\b`);
    problems.splice(0, problems.length, ...problems.filter((p) => !line.test(p)));
  };
  page.assertQuiet = () => {
    if (problems.length) throw new Error(`the page logged:\n${problems.join("\n")}`);
  };
  return page;
}

/** axe-core on the current page: throws on any serious or critical violation. */
export async function assertAccessible(page, label) {
  await page.addScriptTag({ path: require.resolve("axe-core/axe.min.js") });
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ["violations"] });
    return r.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`);
  });
  if (result.length) throw new Error(`axe found on ${label}:\n${result.join("\n")}`);
}

export async function shot(page, name) {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`) });
}

export function assert(cond, message) {
  if (!cond) throw new Error(message);
}
