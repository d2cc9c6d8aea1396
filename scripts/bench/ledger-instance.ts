// One gateway instance's ledger, without HTTP, for `npm run bench -- --ledger`:
// `concurrency` requests at a time, each reserved and settled as the gateway
// does (same Ledger, same batching), on keys spread over the accounts given,
// until `seconds` have passed. Prints {"billed", "refused", "seconds"} as JSON.
import { readFileSync } from "node:fs";
import { randomUUID } from "node:crypto";
import { Ledger } from "../../app/billing/ledger.server.ts";
import { createPrismaClient } from "../../app/db/prisma.server.ts";
import { EMPTY_USAGE } from "../../app/llm/parts.ts";

const [url, seconds, concurrency, keysFile, mappingId] = process.argv.slice(2);
const keys = JSON.parse(readFileSync(keysFile!, "utf8")) as { userId: string; apiKeyId: string }[];
const prisma = createPrismaClient(url!);
const ledger = new Ledger(prisma);
const prices = { input: 1_000_000n, cachedInput: 100_000n, cacheWrite: null, output: 4_000_000n };
const started = performance.now();
const deadline = started + Number(seconds) * 1000;
let billed = 0;
let refused = 0;

async function client(n: number) {
  for (let i = n; performance.now() < deadline; i += Number(concurrency)) {
    const who = keys[i % keys.length]!;
    const requestId = randomUUID();
    const held = await ledger.reserve({
      ...who,
      requestId,
      inputCost: 2_000n,
      outputPrice: prices.output,
      requestedTokens: 500,
      modelMaxTokens: 16_384,
    });
    if (!held.ok) {
      refused += 1;
      continue;
    }
    await ledger.settle({
      ...who,
      requestId,
      mappingId: Number(mappingId),
      modelSlug: "bench-model",
      providerSlug: "openai",
      upstreamModel: "bench-model",
      endpoint: "/v1/chat/completions",
      stream: true,
      status: "SUCCESS",
      finishReason: "stop",
      errorCode: null,
      usage: { ...EMPTY_USAGE, inputTokens: 20, outputTokens: 40 },
      usageSource: "REPORTED",
      cost: 180n,
      prices,
      latencyMs: 100,
      timeToFirstTokenMs: 20,
    });
    billed += 1;
  }
}

await Promise.all(Array.from({ length: Number(concurrency) }, (_, n) => client(n)));
const elapsed = (performance.now() - started) / 1000;
await ledger.close();
await prisma.$disconnect();
console.log(JSON.stringify({ billed, refused, seconds: elapsed }));
