import { describe, expect, it, vi, afterEach } from "vitest";
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { SchemaField, widgetFor } from "./SchemaField";

afterEach(cleanup);

describe("widgetFor", () => {
  it("picks a widget from the schema", () => {
    expect(widgetFor("op", { type: "string", enum: ["Add", "Subtract"] })).toBe("select");
    expect(widgetFor("flag", { type: "boolean" })).toBe("toggle");
    expect(widgetFor("n", { type: ["integer", "null"] })).toBe("number");
    expect(widgetFor("when", { type: "string", format: "date" })).toBe("date");
    expect(widgetFor("at", { type: "string", format: "date-time" })).toBe("datetime");
    expect(widgetFor("t", { type: "string", format: "time" })).toBe("time");
    expect(widgetFor("values", { type: "object" })).toBe("json");
    expect(widgetFor("items", { type: "array" })).toBe("json");
    expect(widgetFor("prompt", { type: "string" })).toBe("multiline");
    expect(widgetFor("key", { type: "string", secret: true })).toBe("secret");
    expect(widgetFor("credentials", { type: "object", credentials_provider: ["openai"] })).toBe("credentials");
    expect(widgetFor("name", { type: "string" })).toBe("text");
  });
});

describe("SchemaField", () => {
  it("edits a number as a number, labelled", () => {
    const onChange = vi.fn();
    render(<SchemaField name="a" schema={{ type: "number", title: "A" }} value={undefined} onChange={onChange} />);
    fireEvent.change(screen.getByLabelText("A"), { target: { value: "8" } });
    expect(onChange).toHaveBeenCalledWith(8);
  });

  it("offers an enum's values and gives back the value itself", () => {
    const onChange = vi.fn();
    render(<SchemaField name="level" schema={{ type: "integer", enum: [1, 2, 3] }} value={2} onChange={onChange} />);
    const select = screen.getByLabelText("level") as HTMLSelectElement;
    expect(select.value).toBe("2");
    fireEvent.change(select, { target: { value: "3" } });
    expect(onChange).toHaveBeenCalledWith(3);
  });

  it("toggles a boolean", () => {
    const onChange = vi.fn();
    render(<SchemaField name="on" schema={{ type: "boolean", default: false }} value={undefined} onChange={onChange} />);
    fireEvent.click(screen.getByRole("switch", { name: "on" }));
    expect(onChange).toHaveBeenCalledWith(true);
  });

  it("refuses bad JSON with the reason and keeps the last good value", () => {
    const onChange = vi.fn();
    render(<SchemaField name="values" schema={{ type: "object" }} value={{ a: 1 }} onChange={onChange} />);
    const box = screen.getByLabelText("values");
    fireEvent.change(box, { target: { value: "{\"a\": " } });
    expect(onChange).not.toHaveBeenCalled();
    expect(screen.getByText(/Not valid JSON/)).toBeTruthy();
    fireEvent.change(box, { target: { value: "{\"a\": 2}" } });
    expect(onChange).toHaveBeenCalledWith({ a: 2 });
  });

  it("shows the API's error for the field", () => {
    render(<SchemaField name="b" schema={{ type: "number" }} value={1} onChange={() => {}} error="b is required" />);
    expect(screen.getByLabelText("b").getAttribute("aria-describedby")).toBeTruthy();
    expect(screen.getByText("b is required")).toBeTruthy();
  });
});
