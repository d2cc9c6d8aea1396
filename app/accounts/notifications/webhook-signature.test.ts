import { createHmac } from "node:crypto";
import { expect, test } from "vitest";
import { signatureHeader, verifySignature } from "./webhook-signature.ts";

const SECRET = "whsec_test";
const BODY = '{"type":"ping"}';

test("the header is t=<seconds>,v1=<HMAC-SHA256 of '<t>.<body>'>, as a receiver recomputes it", () => {
  const header = signatureHeader(SECRET, BODY, 1_800_000_000);
  const expected = createHmac("sha256", SECRET).update(`1800000000.${BODY}`).digest("hex");
  expect(header).toBe(`t=1800000000,v1=${expected}`);
});

test.each([
  ["the same body and secret, now", SECRET, BODY, 0, true],
  ["another secret", "whsec_other", BODY, 0, false],
  ["a changed body", SECRET, '{"type":"pong"}', 0, false],
  ["signed ten minutes ago (a replay)", SECRET, BODY, 600, false],
])("verify: %s", (_, secret, body, ageSeconds, valid) => {
  const now = 1_800_000_000_000;
  const header = signatureHeader(SECRET, BODY, now / 1000 - ageSeconds);
  expect(verifySignature(secret, body, header, 300, now)).toBe(valid);
});
