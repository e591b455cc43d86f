import { afterEach, describe, expect, it, vi } from "vitest";
import { onSignedOut, sessionMiddleware } from "./session";

type Params = Parameters<NonNullable<typeof sessionMiddleware.onRequest>>[0];
const params = (request: Request, id: string) => ({ request, id, schemaPath: "", params: {}, options: {} }) as unknown as Params;

function setCookie(value: string) {
  document.cookie = `agentry_csrf=${value}; path=/`;
}

afterEach(() => vi.unstubAllGlobals());

describe("the session middleware", () => {
  it("sends the CSRF cookie's value on changes only", async () => {
    setCookie("tok1");
    const post = (await sessionMiddleware.onRequest!(params(new Request("http://x/api/graphs", { method: "POST" }), "a"))) as Request;
    expect(post.headers.get("X-CSRF-Token")).toBe("tok1");
    const get = (await sessionMiddleware.onRequest!(params(new Request("http://x/api/graphs"), "b"))) as Request;
    expect(get.headers.get("X-CSRF-Token")).toBeNull();
  });

  it("refreshes once on a 401 and repeats the request with the new CSRF value", async () => {
    setCookie("old");
    const calls: Request[] = [];
    vi.stubGlobal("fetch", async (input: RequestInfo, init?: RequestInit) => {
      const r = input instanceof Request ? input : new Request(new URL(String(input), "http://x"), init);
      calls.push(r);
      if (r.url.endsWith("/api/auth/refresh")) {
        setCookie("new");
        return new Response("{}", { status: 200 });
      }
      return new Response("[]", { status: 200 });
    });
    const request = (await sessionMiddleware.onRequest!(
      params(new Request("http://x/api/graphs", { method: "POST", body: "{}" }), "c"),
    )) as Request;
    const answer = await sessionMiddleware.onResponse!({ ...params(request, "c"), response: new Response(null, { status: 401 }) });
    expect(answer?.status).toBe(200);
    expect(calls.map((c) => new URL(c.url).pathname)).toEqual(["/api/auth/refresh", "/api/graphs"]);
    expect(calls[0].headers.get("X-CSRF-Token")).toBe("old");
    expect(calls[1].headers.get("X-CSRF-Token")).toBe("new");
    expect(await calls[1].text()).toBe("{}");
  });

  it("signs out when the refresh is refused, and leaves a wrong password alone", async () => {
    const signedOut = vi.fn();
    onSignedOut(signedOut);
    vi.stubGlobal("fetch", async () => new Response("{}", { status: 401 }));
    const login = new Request("http://x/api/auth/login", { method: "POST" });
    await sessionMiddleware.onRequest!(params(login, "d"));
    expect(await sessionMiddleware.onResponse!({ ...params(login, "d"), response: new Response(null, { status: 401 }) })).toBeUndefined();
    expect(signedOut).not.toHaveBeenCalled();
    const graphs = new Request("http://x/api/graphs");
    await sessionMiddleware.onRequest!(params(graphs, "e"));
    await sessionMiddleware.onResponse!({ ...params(graphs, "e"), response: new Response(null, { status: 401 }) });
    expect(signedOut).toHaveBeenCalledOnce();
  });
});
