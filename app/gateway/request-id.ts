import { randomBytes } from "node:crypto";

// Request ids: unique across instances (a random prefix per process) and
// cheap per request (a counter), e.g. req_3f9a0c71d2b4e85a00000000001c.
const processPrefix = `req_${randomBytes(8).toString("hex")}`;
let counter = 0;

export function nextRequestId(): string {
  counter += 1;
  return processPrefix + counter.toString(16).padStart(12, "0");
}
