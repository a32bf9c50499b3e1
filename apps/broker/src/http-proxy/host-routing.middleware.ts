import type { IncomingMessage, ServerResponse } from 'node:http';
import { Injectable, type NestMiddleware } from '@nestjs/common';
import { HttpProxy } from './http-proxy.service';

/**
 * Host-based routing: a request whose Host names an HTTP connection (`target.routeHosts`) is proxied whole,
 * path unchanged, before any of the broker's own routes can answer it.
 */
@Injectable()
export class HostRoutingMiddleware implements NestMiddleware {
  constructor(private readonly proxy: HttpProxy) {}

  use(req: IncomingMessage & { originalUrl?: string }, res: ServerResponse, next: () => void): void {
    const connection = this.proxy.connectionForHost(req.headers.host);
    if (connection === undefined) return next();
    const raw = req.originalUrl ?? req.url ?? '/';
    void this.proxy.handle(req, res, connection, raw.startsWith('/') ? raw : `/${raw}`);
  }
}
