import { describe, expect, it } from "vitest";
import { incompatibility, kindOfPin, nestingOf, parentPin, pinKind, pinsOf } from "./pins";

describe("pins", () => {
  it("reads kinds from JSON Schema, through nullable unions", () => {
    expect(pinKind("a", { type: "string" })).toBe("text");
    expect(pinKind("a", { type: ["integer", "null"] })).toBe("number");
    expect(pinKind("a", { anyOf: [{ type: "array" }, { type: "null" }] })).toBe("list");
    expect(pinKind("credentials", { type: "object" })).toBe("credentials");
    expect(pinKind("a", {})).toBe("any");
  });

  it("refuses what cannot fit and says why", () => {
    expect(incompatibility("number", "list")).toBe("number cannot feed a list");
    expect(incompatibility("number", "object")).toBe("number cannot feed an object");
    expect(incompatibility("text", "credentials")).toBe("text cannot feed credentials");
    expect(incompatibility("number", "text")).toBeNull();
    expect(incompatibility("any", "list")).toBeNull();
    expect(incompatibility("list", "any")).toBeNull();
  });

  it("finds nested pins' parents and kinds", () => {
    expect(parentPin("values_#_name")).toBe("values");
    expect(parentPin("items_$_0")).toBe("items");
    expect(parentPin("obj_@_field")).toBe("obj");
    expect(parentPin("plain")).toBe("plain");
    const schema = {
      properties: {
        values: { type: "object", additionalProperties: { type: "number" } },
        items: { type: "array", items: { type: "string" } },
      },
    };
    expect(kindOfPin(schema, "values_#_x")).toBe("number");
    expect(kindOfPin(schema, "items_$_3")).toBe("text");
    expect(nestingOf({ type: "object" })).toBe("_#_");
    expect(nestingOf({ type: "array" })).toBe("_$_");
    expect(nestingOf({ type: "object", properties: { a: {} } })).toBe("_@_");
    expect(nestingOf({ type: "string" })).toBeNull();
  });

  it("puts the error pin last and folds optional fields with defaults", () => {
    const pins = pinsOf({
      properties: { error: { type: "string" }, result: {}, opt: { type: "boolean", default: false }, req: { type: "string" } },
      required: ["req"],
    });
    expect(pins.map((p) => p.name)).toEqual(["result", "opt", "req", "error"]);
    expect(pins.find((p) => p.name === "opt")!.advanced).toBe(true);
    expect(pins.find((p) => p.name === "req")!.advanced).toBe(false);
  });
});
