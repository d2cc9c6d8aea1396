// `npm run fake-providers`: the three fake upstreams on fixed local ports, for
// demos and benchmarks. Point the gateway at them with the printed variables.
import { startFakeAnthropic } from "./anthropic.ts";
import { startFakeGemini } from "./gemini.ts";
import { startFakeOpenAI } from "./openai.ts";

const port = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const chunkDelayMs = Number(process.env.FAKE_CHUNK_DELAY_MS ?? 0);
const text =
  process.env.FAKE_REPLY ??
  "Hello from the fake provider. This answer streams in small pieces, like a real one.";

const fakes = {
  OPENAI: await startFakeOpenAI(port("FAKE_OPENAI_PORT", 4101)),
  ANTHROPIC: await startFakeAnthropic(port("FAKE_ANTHROPIC_PORT", 4102)),
  GEMINI: await startFakeGemini(port("FAKE_GEMINI_PORT", 4103)),
};
for (const fake of Object.values(fakes)) fake.scripts.defaultScript = { text, chunkDelayMs };

console.log("Fake providers listening. Start the gateway with:");
console.log(
  Object.entries(fakes)
    .map(([name, fake]) => `${name}_API_KEY=fake ${name}_BASE_URL=${fake.baseUrl}`)
    .join(" \\\n  ") + " \\\n  npm start",
);
const stop = async () => {
  await Promise.all(Object.values(fakes).map((fake) => fake.close()));
  process.exit(0);
};
process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());
