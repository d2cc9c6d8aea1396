#!/usr/bin/env bash
# Starts the production build from a clean `npm ci --omit=dev` copy with
# NODE_ENV=production, the way the Docker image runs it, and checks that it
# becomes ready and renders the landing page. Needs `npm run build` first.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f build/server/index.js ] || { echo "run npm run build first" >&2; exit 1; }

work=$(mktemp -d)
data=$(mktemp -d)
cleanup() {
  status=$?
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  [ "$status" -ne 0 ] && [ -f "$work/server.log" ] && { echo "--- server log:"; cat "$work/server.log"; }
  rm -rf "$work" "$data"
}
trap cleanup EXIT
pid=""
# The same files the Dockerfile copies into the final image.
cp -r package.json package-lock.json .npmrc build app prisma scripts "$work/"
rm -rf "$work/app/generated"
(cd "$work" && npm ci --omit=dev --no-audit --no-fund --loglevel=error)
# (prisma itself stays: @prisma/client lists it as an optional peer; the image omits optional deps.)
if [ -d "$work/node_modules/vite" ] || [ -d "$work/node_modules/vitest" ]; then
  echo "smoke: dev dependencies leaked into the production install" >&2; exit 1
fi

port=$(node -e 'const s=require("net").createServer().listen(0,()=>{console.log(s.address().port);s.close()})')
(cd "$work" && NODE_ENV=production SESSION_SECRET="$(node -e 'console.log(require("crypto").randomBytes(32).toString("hex"))')" \
  PORT="$port" DATA_DIR="$data" exec node app/server/main.ts > "$work/server.log" 2>&1) &
pid=$!

node - "$port" "$pid" <<'JS'
const [port, pid] = process.argv.slice(2);
const deadline = Date.now() + 60_000;
const get = (path) => fetch(`http://127.0.0.1:${port}${path}`);
while (true) {
  const ready = await get("/readyz").catch(() => undefined);
  if (ready?.status === 200) break;
  try { process.kill(Number(pid), 0); } catch { throw new Error("smoke: the server exited"); }
  if (Date.now() > deadline) throw new Error("smoke: /readyz did not answer 200 within 60 s");
  await new Promise((r) => setTimeout(r, 250));
}
const landing = await get("/");
const html = await landing.text();
if (landing.status !== 200 || !html.includes("One API key for OpenAI, Claude and Gemini")) {
  throw new Error(`smoke: landing page answered ${landing.status}`);
}
const css = html.match(/href="(\/assets\/[^"]+\.css)"/)?.[1];
if (!css || (await get(css)).status !== 200) throw new Error("smoke: stylesheet missing");
console.log("smoke: production build ready, landing page and assets served");
JS
kill -TERM "$pid"
wait "$pid"
grep -q '"msg":"stopped"' "$work/server.log" || { cat "$work/server.log"; echo "smoke: no clean stop" >&2; exit 1; }
echo "smoke: stopped cleanly"
