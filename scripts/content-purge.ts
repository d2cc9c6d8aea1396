// `npm run content:purge`: erases every stored prompt and answer now (content
// logging, see LOG_CONTENT), on DATABASE_URL or the embedded database in DATA_DIR.
import { eraseContent } from "../app/usage/content-retention.server.ts";
import { withPrisma } from "./with-prisma.ts";

const erased = await withPrisma((prisma) => eraseContent(prisma, 0));
console.log(`Erased the prompts and answers of ${erased} requests.`);
