import { afterEach, describe, expect, it } from "vitest";
import { cleanup, render, screen } from "@testing-library/react";
import { Progress } from "./Progress";

afterEach(cleanup);

describe("progress", () => {
  it("counts when the work can be counted", () => {
    render(<Progress label="Drawing 120 of 300 nodes" value={120} max={300} />);
    const bar = screen.getByRole("progressbar", { name: "Drawing 120 of 300 nodes" });
    expect(bar.getAttribute("aria-valuenow")).toBe("120");
    expect(bar.getAttribute("aria-valuemax")).toBe("300");
    expect((bar.firstChild as HTMLElement).style.width).toBe("40%");
  });

  it("moves without numbers otherwise, and says what happens", () => {
    render(<Progress label="Importing big.json (812 KB): reading the file…" />);
    const bar = screen.getByRole("progressbar");
    expect(bar.getAttribute("aria-valuenow")).toBeNull();
    expect(screen.getByText("Importing big.json (812 KB): reading the file…")).toBeTruthy();
  });
});
