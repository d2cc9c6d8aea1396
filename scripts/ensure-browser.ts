// The browser tests drive Debian's Chromium (Playwright cannot download its own
// here). `npm test` runs this first: it installs Chromium with apt when it is
// missing and we may (root on Debian), and otherwise says what to do.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

{
  if (existsSync(CHROMIUM_PATH)) process.exit(0);
  const canApt = process.getuid?.() === 0 && existsSync("/usr/bin/apt-get");
  if (!canApt) {
    console.error(
      `The browser tests need Chromium at ${CHROMIUM_PATH}. Install it (Debian/Ubuntu: apt-get install chromium), ` +
        "or point CHROMIUM_PATH at a Chromium or Chrome binary.",
    );
    process.exit(1);
  }
  console.log("Installing Chromium for the browser tests (apt-get install chromium)…");
  execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit" });
  execFileSync("apt-get", ["install", "-y", "-qq", "chromium"], {
    stdio: "inherit",
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
}
