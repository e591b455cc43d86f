// Runs every end-to-end scenario against one fresh server and prints "N passed, N failed".
// `node e2e/run.mjs [filter]` runs the scenarios whose name contains the filter.
import { launch, signUpFirst, startServer } from "./harness.mjs";
import { accountScenarios } from "./accounts.mjs";
import { scenarios as builderScenarios } from "./scenarios.mjs";
import { settingsScenarios } from "./settings.mjs";
import { runnerScenarios } from "./runner.mjs";
import { editingScenarios } from "./editing.mjs";
import { storeScenarios } from "./store.mjs";
import { notificationScenarios } from "./notifications.mjs";
import { creditScenarios } from "./credits.mjs";

const scenarios = { ...builderScenarios, ...editingScenarios, ...runnerScenarios, ...accountScenarios, ...settingsScenarios, ...storeScenarios, ...notificationScenarios, ...creditScenarios };

const filter = process.argv[2] ?? "";
const report = [];
let passed = 0;
let failed = 0;
const server = await startServer();
const browser = await launch();
try {
  // Every scenario needs the first account: without it none can run.
  const t = Date.now();
  await signUpFirst(browser, server);
  passed++;
  console.log(`PASS the first visit signs up the admin (${Date.now() - t} ms)`);
  for (const [name, run] of Object.entries(scenarios)) {
    if (!name.includes(filter)) continue;
    const t = Date.now();
    try {
      await run({ browser, server, report });
      passed++;
      console.log(`PASS ${name} (${Date.now() - t} ms)`);
    } catch (e) {
      failed++;
      console.log(`FAIL ${name} (${Date.now() - t} ms)\n  ${String(e.stack ?? e).split("\n").join("\n  ")}`);
    }
  }
} finally {
  await browser.close();
  server.stop();
}
for (const line of report) console.log(line);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
