/**
 * One value per process, kept on globalThis. The server (app/server/main.ts,
 * run from source) and the app bundle it loads hold two copies of the modules
 * that ask for these, so a module-level variable would give each its own.
 */
export function singleton<Value>(name: string, create: () => Value): Value {
  const store = ((globalThis as { [STORE]?: Map<string, unknown> })[STORE] ??= new Map());
  if (!store.has(name)) store.set(name, create());
  return store.get(name) as Value;
}

/** The value if some module created it already. */
export function existingSingleton<Value>(name: string): Value | undefined {
  return (globalThis as { [STORE]?: Map<string, unknown> })[STORE]?.get(name) as Value | undefined;
}

const STORE = Symbol.for("llm-gateway.singletons");
