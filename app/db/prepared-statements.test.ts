import { describe, expect, it } from "vitest";
import { prepared, statementName } from "./prepared-statements.ts";

describe("statementName", () => {
  it("names a statement marked by prepared(), and leaves any other unnamed", () => {
    expect(statementName(`${prepared("ledger_write_batch")}\n WITH x AS (SELECT 1) SELECT 1`)).toBe(
      "gw_ledger_write_batch",
    );
    expect(statementName("SELECT 1")).toBe("");
    expect(statementName(" /* prepared ledger_write_batch */ SELECT 1")).toBe("");
  });

  it("refuses a name that could break out of the comment", () => {
    expect(() => prepared("a */ DROP TABLE users; /*")).toThrow(/bad prepared statement name/);
  });
});
