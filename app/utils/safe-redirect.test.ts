// Where the client says to go after a form (sign-in's redirectTo, the theme
// toggle's, the account switcher's): a path of this site, or the fallback.
// Each hostile value is one a browser reads as another host in a Location
// header (issue #21, finding 7).
import { describe, expect, test } from "vitest";
import { safeRedirect } from "./safe-redirect.ts";

describe("same-site paths are kept", () => {
  test.each([
    ["/dashboard/keys", "/dashboard/keys"],
    ["/dashboard/keys?x=1&y=%2F#top", "/dashboard/keys?x=1&y=%2F#top"],
    ["/invite/abc.def-ghi", "/invite/abc.def-ghi"],
    ["/", "/"],
    ["/a/../dashboard", "/dashboard"],
    ["/dashboard/usage?model=gpt%3A1", "/dashboard/usage?model=gpt%3A1"],
    ["/%2F%2Fevil.example", "/%2F%2Fevil.example"],
  ])("%j -> %j", (target, expected) => {
    expect(safeRedirect(target)).toBe(expected);
  });
});

describe("anything a browser could read as another place goes to the fallback", () => {
  test.each([
    "//evil.example/x",
    "/\\evil.example/x",
    "\\\\evil.example/x",
    "\\/evil.example/x",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r/evil.example",
    "\t//evil.example",
    " //evil.example",
    "/ /evil.example",
    "/\u0000/evil.example",
    "/\u001f/evil.example",
    "/\u007f/evil.example",
    "/\u00a0/evil.example",
    "/\u2028/evil.example",
    "/\u3002evil.example",
    "/\uff0f/evil.example",
    "https://evil.example/x",
    "http:evil.example",
    "javascript:alert(1)",
    "evil.example",
    "./x",
    "",
    "/\\\\evil.example",
    "///evil.example",
    "/.//evil.example",
    "/x\\y",
    "%2F%2Fevil.example",
    "/%09/evil.example\t",
  ])("%j", (target) => {
    expect(safeRedirect(target)).toBe("/dashboard");
  });

  test("a path longer than any page's", () => {
    expect(safeRedirect(`/dashboard/usage?model=${"a".repeat(3000)}`)).toBe("/dashboard");
  });

  test("not a string: a file field, nothing at all", () => {
    expect(safeRedirect(new File(["/x"], "x"))).toBe("/dashboard");
    expect(safeRedirect(null)).toBe("/dashboard");
    expect(safeRedirect(undefined, "/")).toBe("/");
  });
});
