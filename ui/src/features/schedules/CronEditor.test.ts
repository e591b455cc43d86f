import { describe, expect, it } from "vitest";
import { describeCron } from "./CronEditor";

describe("describeCron", () => {
  it("gives the next five runs in the given zone", () => {
    const r = describeCron("0 9 * * *", "Europe/Paris", 5, new Date("2026-01-10T12:00:00Z"));
    expect(r.error).toBeUndefined();
    expect(r.next!.map((d) => d.toISOString())).toEqual([
      "2026-01-11T08:00:00.000Z",
      "2026-01-12T08:00:00.000Z",
      "2026-01-13T08:00:00.000Z",
      "2026-01-14T08:00:00.000Z",
      "2026-01-15T08:00:00.000Z",
    ]);
    expect(r.words).toBe("At 09:00");
  });

  it("says what is wrong with a bad pattern", () => {
    expect(describeCron("0 9 * *", "UTC").error).toMatch(/five fields/);
    expect(describeCron("0 99 * * *", "UTC").error).toMatch(/Not a valid pattern/);
  });
});
