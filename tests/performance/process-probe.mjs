// Preloaded into a gateway process by the hot-path budget test (NODE_OPTIONS=--import):
// records each module the process loads (once: a require() of a module loaded
// already is no load) and every write to a client's socket,
// and on SIGUSR2 writes them to PROBE_FILE. Test-only: nothing in the app knows it.
import { writeFileSync } from "node:fs";
import { registerHooks } from "node:module";
import net from "node:net";

const file = process.env.PROBE_FILE;
if (!file) throw new Error("process-probe: PROBE_FILE is not set");
const modules = new Set();
let clientWrites = 0;

registerHooks({
  load(url, context, nextLoad) {
    modules.add(url);
    return nextLoad(url, context);
  },
});

// Every write to a socket the process accepted (the HTTP server's: answers to
// clients) ends in _writeGeneric, once per write or per corked batch (writev).
const writeGeneric = net.Socket.prototype._writeGeneric;
net.Socket.prototype._writeGeneric = function (...args) {
  if (this.server) clientWrites += 1;
  return writeGeneric.apply(this, args);
};

process.on("SIGUSR2", () =>
  writeFileSync(file, JSON.stringify({ modules: [...modules], clientWrites })),
);
