/** Something running on behalf of an API key that can be told to stop. */
export interface Revocable {
  revoke(): void;
}

/**
 * The requests this instance is running, by API key, so that revoking a key
 * ends its running streams too, not only its next requests.
 */
export class RunningRequests {
  private readonly byKey = new Map<string, Set<Revocable>>();

  /** Registers `run`; returns the function that forgets it. */
  add(apiKeyId: string, run: Revocable): () => void {
    let runs = this.byKey.get(apiKeyId);
    if (!runs) this.byKey.set(apiKeyId, (runs = new Set()));
    runs.add(run);
    return () => {
      runs.delete(run);
      if (runs.size === 0 && this.byKey.get(apiKeyId) === runs) this.byKey.delete(apiKeyId);
    };
  }

  has(apiKeyId: string) {
    return this.byKey.has(apiKeyId);
  }

  revokeKey(apiKeyId: string) {
    for (const run of this.byKey.get(apiKeyId) ?? []) run.revoke();
  }
}
