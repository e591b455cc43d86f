// The end-to-end harness: a real `agentry serve` on a temporary SQLite file and a free
// 127.0.0.1 port, Debian's Chromium driven by playwright-core, axe-core for accessibility,
// and a console watch that fails a test on any error or warning the app logs.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, existsSync, mkdirSync } from "node:fs";
import { createServer } from "node:net";
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

/** Starts a server on a fresh database; `stop()` ends it and removes its files. */
export async function startServer() {
  // For working on the app: a server (or `vite preview`) already running.
  if (process.env.E2E_SERVER_URL) return { url: process.env.E2E_SERVER_URL, log: () => "", stop: () => {} };
  const dir = mkdtempSync(join(tmpdir(), "agentry-e2e-"));
  const port = await freePort();
  const child = spawn(
    binary(),
    ["serve", "--host", "127.0.0.1", "--port", String(port), "--database-url", `sqlite://${join(dir, "agentry.db")}`],
    { cwd: dir, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, AGENTRY_LOG: "warn" } },
  );
  let log = "";
  child.stdout.on("data", (d) => (log += d));
  child.stderr.on("data", (d) => (log += d));
  const url = `http://127.0.0.1:${port}`;
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

/** A page whose console errors and warnings (and uncaught exceptions) are collected. */
export async function watchedPage(browser, viewport = { width: 1400, height: 900 }) {
  const context = await browser.newContext({ viewport, reducedMotion: "reduce" });
  const page = await context.newPage();
  const problems = [];
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`uncaught: ${e.message}`));
  page.problems = problems;
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
