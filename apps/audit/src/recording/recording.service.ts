import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AUDIT_SETTINGS, type AuditSettings } from '../config';
import { AuditError } from '../errors/audit-error';
import { assemble, type Assembled } from './recording-assembly';
import type { RecordingDigest, RecordingKind } from './recording-ledger';

@Injectable()
export class SessionRecordings {
  constructor(
    private readonly ds: DataSource,
    @Inject(AUDIT_SETTINGS) private readonly settings: AuditSettings,
  ) {}

  /** The session's recording of one kind (or its only one), checked chunk by chunk against the chain. */
  async recording(sessionId: string, kind?: RecordingKind): Promise<Assembled> {
    const recs: Array<{ kind: RecordingKind; header: string | null; truncated: boolean }> = await this.ds.query(
      'SELECT kind, header, truncated FROM audit.recordings WHERE session_id = $1 ORDER BY kind DESC',
      [sessionId],
    );
    const rec = kind ? recs.find((r) => r.kind === kind) : recs[0];
    if (!rec) {
      throw new AuditError(
        'recording_not_found',
        `no ${kind ?? ''} recording for session ${sessionId}`.replace('  ', ' '),
      );
    }
    const chunks: Array<{ seq: number; data: string }> = await this.ds.query(
      'SELECT seq, data FROM audit.recording_chunks WHERE session_id = $1 AND kind = $2 ORDER BY seq',
      [sessionId, rec.kind],
    );
    const events: Array<{ body: string }> = await this.ds.query(
      `SELECT body FROM audit.events WHERE session_id = $1 AND type = 'session.recording' ORDER BY seq`,
      [sessionId],
    );
    const digests = events
      .map((e) => (JSON.parse(e.body) as { recording?: RecordingDigest }).recording)
      .filter((d): d is RecordingDigest => d !== undefined && d.kind === rec.kind && d.sessionId === sessionId);
    return assemble({
      sessionId,
      kind: rec.kind,
      header: rec.header,
      truncated: rec.truncated,
      maxBytes: this.settings.recording.maxBytesPerSession,
      chunks,
      digests,
    });
  }
}
