import { describe, expect, test } from "vitest";
import { connectionProblem } from "./database.server.ts";

describe("connectionProblem", () => {
  test("names network failures in a few words, even when Node reports every address", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED ::1:5432"), {
      code: "ECONNREFUSED",
    });
    expect(connectionProblem(new AggregateError([refused], ""))).toBe(
      "connection refused (is PostgreSQL running and listening there?)",
    );
    expect(connectionProblem(Object.assign(new Error("x"), { code: "EHOSTUNREACH" }))).toBe(
      "the host cannot be reached",
    );
    expect(connectionProblem(new Error("Connection terminated due to connection timeout"))).toBe(
      "no answer within 5 s",
    );
  });

  test("keeps PostgreSQL's own first line, cut to 200 characters", () => {
    expect(connectionProblem(new Error('role "nobody" does not exist\nDETAIL: more'))).toBe(
      'role "nobody" does not exist',
    );
    expect(connectionProblem(new Error("x".repeat(300)))).toHaveLength(201);
  });
});
