import { describe, expect, it } from "vitest";
import { draftBinding, getIn, numberOrText, setIn, without } from "./draft-binding";

describe("setIn", () => {
  it("writes a copy, creating lists for numeric steps and objects otherwise", () => {
    const draft = { name: "a" };
    const next = setIn(draft, ["services", 0, "ports", 0, "port"], 80);
    expect(next).toEqual({ name: "a", services: [{ ports: [{ port: 80 }] }] });
    expect(draft).toEqual({ name: "a" });
  });

  it("leaves a member out for undefined, and removes a list item", () => {
    expect(setIn({ a: 1, b: 2 }, ["b"], undefined)).toEqual({ a: 1 });
    expect(setIn({ l: ["x", "y", "z"] }, ["l", 1], undefined)).toEqual({ l: ["x", "z"] });
  });

  it("replaces what is not an object on the way (a YAML edit may leave anything there)", () => {
    expect(setIn({ services: "oops" }, ["services", 0, "name"], "web")).toEqual({
      services: [{ name: "web" }],
    });
  });
});

describe("draftBinding", () => {
  it("finds the issue of exactly its path, and knows of issues below one", () => {
    const b = draftBinding({}, () => {}, [{ path: "services.1.ports.0.name", message: "too long" }]);
    expect(b.issue(["services", 1, "ports", 0, "name"])).toBe("too long");
    expect(b.issue(["services", 1, "ports"])).toBeNull();
    expect(b.hasIssuesUnder(["services", 1])).toBe(true);
    expect(b.hasIssuesUnder(["services", 10])).toBe(false);
    expect(getIn({ a: [{ b: 2 }] }, ["a", 0, "b"])).toBe(2);
  });
});

describe("helpers", () => {
  it.each([
    ["80", 80],
    ["", ""],
    ["http", "http"],
    ["1.5", 1.5],
  ])("numberOrText(%j)", (text, value) => {
    expect(numberOrText(text)).toBe(value);
  });

  it("without() leaves the member out once the list is empty", () => {
    expect(without([1, 2], 0)).toEqual([2]);
    expect(without([1], 0)).toBeUndefined();
  });
});
