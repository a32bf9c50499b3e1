import { randomInt } from 'node:crypto';

export interface UpstreamKey {
  processId: number;
  secretKey: number;
  cancel(): void;
}

/**
 * The broker hands each client its own BackendKeyData and maps it to the upstream's, so a client can
 * cancel only its own query: a CancelRequest with an unknown pair (another session's guess, a stale key)
 * is ignored, as PostgreSQL itself does, and never reaches any upstream.
 */
export class CancelKeys {
  private readonly byKey = new Map<string, UpstreamKey>();

  issue(upstream: UpstreamKey): { processId: number; secretKey: number; release(): void } {
    let processId: number;
    let secretKey: number;
    let key: string;
    do {
      processId = randomInt(1, 2 ** 31 - 1);
      secretKey = randomInt(-(2 ** 31), 2 ** 31 - 1);
      key = `${processId}:${secretKey}`;
    } while (this.byKey.has(key));
    this.byKey.set(key, upstream);
    return { processId, secretKey, release: () => this.byKey.delete(key) };
  }

  /** Returns whether a cancel was sent upstream. */
  cancel(processId: number, secretKey: number): boolean {
    const upstream = this.byKey.get(`${processId}:${secretKey}`);
    if (!upstream) return false;
    upstream.cancel();
    return true;
  }

  get size(): number {
    return this.byKey.size;
  }
}
