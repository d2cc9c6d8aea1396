// A session cookie for a test's user, signed in through the JSON API as a client would.
import { expect } from "vitest";
import { TEST_PASSWORD } from "./factories.ts";

export async function signedInCookie(baseUrl: string, email: string) {
  const response = await fetch(`${baseUrl}/api/auth/sign-in`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password: TEST_PASSWORD }),
  });
  expect(response.status).toBe(200);
  return response.headers.get("set-cookie")!.split(";")[0]!;
}
