import { auditStreamFor } from '@portcullis/contracts';
import Redis from 'ioredis';
import { connect } from 'nats';
import { testEnv } from './environment';

/** Deletes every Redis key under a suite's prefix. */
export async function deleteKeys(prefix: string, redisUrl: string = testEnv.redisUrl): Promise<void> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 2 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** Removes a suite's audit stream (named after its namespace). */
export async function deleteStream(namespace: string, natsUrl: string = testEnv.natsUrl): Promise<void> {
  const nc = await connect({ servers: natsUrl });
  try {
    const jsm = await nc.jetstreamManager();
    await jsm.streams.delete(auditStreamFor(namespace)).catch(() => undefined);
  } finally {
    await nc.close();
  }
}

interface StreamRef {
  auditStream: string;
  deps?: { natsUrl: string };
}

/** Every message stored in the suite's audit stream, as raw JSON text, oldest first. */
export async function readAuditStream(stack: StreamRef): Promise<string[]> {
  const nc = await connect({ servers: stack.deps?.natsUrl ?? testEnv.natsUrl });
  try {
    const jsm = await nc.jetstreamManager();
    const info = await jsm.streams.info(stack.auditStream);
    const out: string[] = [];
    for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
      out.push(Buffer.from((await jsm.streams.getMessage(stack.auditStream, { seq })).data).toString('utf8'));
    }
    return out;
  } finally {
    await nc.close();
  }
}
