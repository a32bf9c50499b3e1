import { auditStreamFor } from '@portcullis/contracts';

/**
 * An optional namespace in front of every subject and stream, from PORTCULLIS_NATS_NAMESPACE, so several
 * deployments (staging and production, or parallel test runs) can share one NATS cluster without
 * answering each other's requests. Read at each use: request handlers register at import time.
 */
export function natsNamespace(): string {
  const ns = process.env.PORTCULLIS_NATS_NAMESPACE ?? '';
  if (ns !== '' && !/^[A-Za-z0-9_-]{1,64}$/.test(ns)) {
    throw new Error('PORTCULLIS_NATS_NAMESPACE must be 1-64 letters, digits, _ or -');
  }
  return ns;
}

export function subjectFor(subject: string): string {
  const ns = natsNamespace();
  return ns === '' ? subject : `${ns}.${subject}`;
}

export function auditStreamName(ns: string = natsNamespace()): string {
  return auditStreamFor(ns);
}
