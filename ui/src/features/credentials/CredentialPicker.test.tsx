import { afterEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { CredentialPicker } from "./CredentialPicker";
import { CREDENTIALS, fits, wantedBy, type Credential } from "./credentials";
import { keys } from "../../api/queries";

afterEach(cleanup);

const JINA_INPUT = { type: "object", credentials_provider: ["jina"], credentials_types: ["api_key"] };
const STORED: Credential[] = [
  { id: "c1", provider: "jina", type: "api_key", title: "Research key" },
  { id: "c2", provider: "github", type: "oauth2", title: "My GitHub", scopes: ["repo"] },
  { id: "c3", provider: "jina", type: "user_password", title: "Wrong kind", username: "x" },
];

function withData(ui: React.ReactNode) {
  const client = new QueryClient({ defaultOptions: { queries: { staleTime: Infinity, retry: false } } });
  client.setQueryData(CREDENTIALS, STORED);
  client.setQueryData(keys.blocks, []);
  return render(<QueryClientProvider client={client}>{ui}</QueryClientProvider>);
}

describe("what a credentials input wants", () => {
  it("reads providers and kinds from the schema, also under anyOf", () => {
    expect(wantedBy(JINA_INPUT)).toEqual({ providers: ["jina"], types: ["api_key"] });
    expect(wantedBy({ anyOf: [{ type: "object", credentials_provider: ["github"], credentials_types: ["oauth2"] }, { type: "null" }] })).toEqual({
      providers: ["github"],
      types: ["oauth2"],
    });
    const w = wantedBy(JINA_INPUT);
    expect(STORED.filter((c) => fits(c, w)).map((c) => c.id)).toEqual(["c1"]);
  });
});

describe("CredentialPicker", () => {
  it("offers only the credentials that fit and gives back their metadata", () => {
    const onChange = vi.fn();
    withData(<CredentialPicker id="p" schema={JINA_INPUT} value={undefined} onChange={onChange} className="" />);
    const select = screen.getByRole("combobox") as HTMLSelectElement;
    const options = [...select.options].map((o) => o.textContent);
    expect(options).toEqual(["Choose…", "Research key"]);
    fireEvent.change(select, { target: { value: "c1" } });
    expect(onChange).toHaveBeenCalledWith({ id: "c1", provider: "jina", type: "api_key", title: "Research key" });
  });

  it("says so when the chosen credential is gone", () => {
    withData(<CredentialPicker id="p" schema={JINA_INPUT} value={{ id: "deleted" }} onChange={() => {}} className="" />);
    expect((screen.getByRole("combobox") as HTMLSelectElement).selectedOptions[0].textContent).toBe("Missing (deleted?)");
  });
});
