import type { IncomingMessage, ServerResponse } from 'node:http';
import { All, Controller, Param, Req, Res } from '@nestjs/common';
import { HttpProxy } from './http-proxy.service';

@Controller('http')
export class HttpProxyHttp {
  constructor(private readonly proxy: HttpProxy) {}

  @All([':connection', ':connection/*path'])
  async forward(
    @Param('connection') connection: string,
    @Req() req: IncomingMessage & { originalUrl?: string },
    @Res() res: ServerResponse,
  ): Promise<void> {
    // The raw path after /http/<connection>, undecoded: normalisation and the decision work on it.
    const raw = req.originalUrl ?? req.url ?? '';
    const prefix = `/http/${encodeURIComponent(connection)}`;
    const rest = raw.startsWith(prefix) ? raw.slice(prefix.length) : raw;
    await this.proxy.handle(req, res, connection, rest === '' || rest.startsWith('?') ? `/${rest}` : rest);
  }
}
