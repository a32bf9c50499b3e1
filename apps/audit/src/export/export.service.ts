import { Inject, Injectable } from '@nestjs/common';
import type { AuditEvent } from '@portcullis/contracts';
import { z } from 'zod';
import { AUDIT_SETTINGS, type AuditSettings } from '../config';
import { eventFilterSchema } from '../query/event-filter';
import { EventQuery, type RawEventRow } from '../query/event-query.service';
import { toOcsf } from './ocsf';

export const exportParamsSchema = eventFilterSchema.extend({
  format: z.enum(['ndjson', 'ocsf']).default('ndjson'),
  // Oldest first by default: a SIEM reads the trail in the order it happened.
  order: z.enum(['asc', 'desc']).default('asc'),
});
export type ExportParams = z.output<typeof exportParamsSchema>;

/**
 * Streams an export a page (query.maxPageSize rows) at a time on the (time, seq) keyset, so memory
 * stays flat whatever the size of the trail; `limit` caps the total.
 */
@Injectable()
export class AuditExport {
  constructor(
    private readonly events: EventQuery,
    @Inject(AUDIT_SETTINGS) private readonly settings: AuditSettings,
  ) {}

  async *pages(params: ExportParams): AsyncGenerator<string> {
    let remaining = params.limit ?? Number.POSITIVE_INFINITY;
    let cursor = params.cursor;
    while (remaining > 0) {
      const size = Math.min(this.settings.query.maxPageSize, remaining);
      const { rows, next } = await this.events.rawPage({ ...params, cursor, limit: size }, size);
      if (rows.length > 0) yield rows.map((r) => this.line(r, params.format)).join('');
      remaining -= rows.length;
      if (next === null) return;
      cursor = next;
    }
  }

  private line(r: RawEventRow, format: ExportParams['format']): string {
    const seq = Number(r.seq);
    if (format === 'ocsf') {
      return `${JSON.stringify(toOcsf(JSON.parse(r.body) as AuditEvent, { seq, hash: r.hash }))}\n`;
    }
    // The body is already canonical JSON: splice it in rather than parse and re-serialise it.
    const head = JSON.stringify({ seq, storedAt: r.stored_at.toISOString(), hash: r.hash, prevHash: r.prev_hash });
    return `${head.slice(0, -1)},"event":${r.body}}\n`;
  }
}
