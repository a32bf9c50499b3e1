import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { ApprovalSettings } from '../config';
import { APPROVAL_SETTINGS } from '../config.module';
import { retryDelayMs } from './retry-policy';
import { attemptDelivery, type AttemptResult } from './webhook-sender';

const POLL_MS = 250;
const BATCH = 20;
// Longer than one attempt can take, so a delivery is only taken over from a replica that died mid-send.
const LEASE_SECONDS = 60;

interface Claimed {
  id: string;
  webhook: string;
  body: string;
  attempts: number;
}

/**
 * Sends queued deliveries with bounded exponential backoff. All state is in Postgres: replicas share
 * the queue (a lease per delivery, taken with SKIP LOCKED) and a restart resumes where it stopped.
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WebhookDispatcher.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private stopped = false;

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(APPROVAL_SETTINGS) private readonly settings: ApprovalSettings,
  ) {}

  onApplicationBootstrap(): void {
    if (this.timer || this.settings.webhooks.length === 0) return;
    this.timer = setInterval(() => this.kick(), POLL_MS);
    this.kick();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  /** Run a pass now (or right after the one in progress), e.g. when a transaction queued deliveries. */
  kick(): void {
    if (this.stopped || this.settings.webhooks.length === 0) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain()
      .catch((err: Error) => this.logger.error(`webhook dispatch failed: ${err.message}`))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  private async drain(): Promise<void> {
    let claimed: Claimed[];
    do {
      claimed = await this.claim();
      await Promise.all(claimed.map((d) => this.deliver(d)));
    } while (claimed.length === BATCH && !this.stopped);
  }

  private async claim(): Promise<Claimed[]> {
    const [rows]: [Claimed[], number] = await this.ds.query(
      `UPDATE approval.webhook_deliveries
          SET locked_until = now() + make_interval(secs => $2), attempts = attempts + 1, last_attempt_at = now()
        WHERE id IN (SELECT id FROM approval.webhook_deliveries
                      WHERE status = 'pending' AND next_attempt_at <= now()
                        AND (locked_until IS NULL OR locked_until < now())
                      ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED)
        RETURNING id, webhook, body, attempts`,
      [BATCH, LEASE_SECONDS],
    );
    return rows;
  }

  private async deliver(d: Claimed): Promise<void> {
    const target = this.settings.webhooks.find((w) => w.name === d.webhook);
    const result: AttemptResult = target
      ? await attemptDelivery(target, d.id, d.body)
      : { ok: false, error: `webhook ${d.webhook} is no longer configured` };
    if (result.ok) {
      await this.ds.query(
        `UPDATE approval.webhook_deliveries SET status = 'delivered', finished_at = now(), locked_until = NULL,
                last_status_code = $2, last_error = NULL WHERE id = $1`,
        [d.id, result.statusCode ?? null],
      );
      return;
    }
    const giveUp = !target || d.attempts >= this.settings.retry.maxAttempts;
    if (giveUp) this.logger.warn(`webhook ${d.webhook}: delivery ${d.id} failed after ${d.attempts} attempts`);
    await this.ds.query(
      `UPDATE approval.webhook_deliveries
          SET status = CASE WHEN $2 THEN 'failed' ELSE 'pending' END,
              finished_at = CASE WHEN $2 THEN now() END,
              next_attempt_at = now() + make_interval(secs => $3::double precision / 1000),
              locked_until = NULL, last_status_code = $4, last_error = $5
        WHERE id = $1`,
      [
        d.id,
        giveUp,
        retryDelayMs(d.attempts, this.settings.retry.baseDelayMs),
        result.statusCode ?? null,
        result.error ?? null,
      ],
    );
  }
}
