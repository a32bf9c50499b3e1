import type { IncomingMessage, ServerResponse } from 'node:http';
import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';

export const SLACK_INTERACTIONS_PATH = '/v1/slack/interactions';
// Slack's interaction payloads are a few kilobytes; anything far larger is not Slack.
const MAX_BODY_BYTES = 256 * 1024;

export interface RequestWithRawBody extends IncomingMessage {
  rawBody?: Buffer;
}

/**
 * Slack signs the exact bytes it sent, and Nest's body parser would consume them before the handler
 * runs (runService creates the app without `rawBody`). This keeps the bytes for the Slack route only:
 * registered while providers are constructed, it runs before the parsers `app.init()` adds, and a
 * fully read request is one the parsers leave alone.
 */
@Injectable()
export class SlackRawBody {
  constructor(host: HttpAdapterHost) {
    host.httpAdapter?.use(SLACK_INTERACTIONS_PATH, capture);
  }
}

function capture(req: RequestWithRawBody, res: ServerResponse, next: (err?: unknown) => void): void {
  if (req.method !== 'POST') return next();
  const chunks: Buffer[] = [];
  let size = 0;
  let refused = false;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > MAX_BODY_BYTES && !refused) {
      refused = true;
      res.statusCode = 413;
      res.setHeader('Content-Type', 'application/problem+json');
      res.end(
        JSON.stringify({
          type: 'urn:portcullis:approval:bad_request',
          title: 'Payload too large',
          status: 413,
          detail: `a Slack interaction is at most ${MAX_BODY_BYTES} bytes`,
          code: 'bad_request',
        }),
      );
      req.resume();
    } else if (!refused) chunks.push(chunk);
  });
  req.on('end', () => {
    if (refused) return;
    req.rawBody = Buffer.concat(chunks);
    next();
  });
  req.on('error', next);
}
