// Plain JavaScript on purpose: it must run, and explain, on the old Node it rejects.
const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 22)) {
  console.error(
    `LLM Gateway needs Node.js 22.22 or newer (24 LTS recommended); this is Node.js ${process.versions.node}.\n` +
      "Install Node 24 (nvm install 24, or see the README), then run the command again.",
  );
  process.exit(1);
}
