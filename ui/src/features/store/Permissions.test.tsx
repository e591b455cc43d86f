import { afterEach, describe, expect, it } from "vitest";
import { cleanup, render, screen } from "@testing-library/react";
import { PermissionsSummary } from "./Permissions";
import type { Permissions } from "./storeApi";

afterEach(cleanup);

const QUIET: Permissions = { credentials: [], outbound: [], runs_code: false, sends_email: false, needs_human_review: false, sub_graphs: 0, asks_more: false };

describe("the permissions summary", () => {
  it("says plainly when an agent asks for nothing", () => {
    render(<PermissionsSummary permissions={QUIET} />);
    expect(screen.getByText("None.")).toBeTruthy();
    expect(screen.getByText("Nowhere outside this server.")).toBeTruthy();
    expect(screen.getByText("It runs no code, sends no email and needs no review.")).toBeTruthy();
    expect(screen.queryByRole("note")).toBeNull();
  });

  it("names credentials with kinds and scopes, hosts, what it does, and flags a version that asks for more", () => {
    const asks = {
      ...QUIET,
      credentials: [{ provider: "github", types: ["oauth2"], scopes: ["repo"] }],
      outbound: [{ kind: "http", hosts: ["*"] }, { kind: "llm", hosts: ["api.openai.com"] }],
      runs_code: true,
      sends_email: true,
      sub_graphs: 2,
      asks_more: true,
    } as unknown as Permissions;
    render(<PermissionsSummary permissions={asks} />);
    expect(screen.getByText("github").parentElement?.textContent).toBe("github (oauth2) · scopes repo");
    expect(screen.getByText("http: any host its inputs name")).toBeTruthy();
    expect(screen.getByText("llm: api.openai.com")).toBeTruthy();
    expect(screen.getByText("It runs code, sends email, uses 2 sub-agents.")).toBeTruthy();
    expect(screen.getByRole("note").textContent).toContain("asks for more");
  });
});
