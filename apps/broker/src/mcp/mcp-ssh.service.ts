import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { LoadedConfig } from '@portcullis/config';
import { LOADED_CONFIG } from '@portcullis/runtime';
import { Client } from 'ssh2';
import { SshFrontEnd } from '../ssh/ssh-front-end.service';
import { ownHost } from './own-listener';
import { toolRefusal, type ToolRefusal } from './tool-result';

const MAX_OUTPUT_BYTES = 1024 * 1024;

export type SshToolResult =
  | { status: 'ok'; exitCode: number | null; signal?: string; stdout: string; stderr: string; truncated: boolean }
  | ToolRefusal
  | { status: 'error'; message: string; stdout?: string; stderr?: string };

/**
 * `ssh_exec` for MCP clients, as a client of this broker's own SSH listener (see own-listener.ts) with the
 * agent's token as the password and the listener's host key pinned: the command is decided, approved,
 * masked and recorded exactly as for `ssh <connection>@broker <command>`.
 */
@Injectable()
export class McpSsh {
  constructor(
    @Inject(LOADED_CONFIG) private readonly loaded: LoadedConfig,
    private readonly ssh: SshFrontEnd,
  ) {}

  exec(token: string, connection: string, command: string, timeoutMs: number): Promise<SshToolResult> {
    const expected = this.ssh.hostKeyFingerprint;
    return new Promise((resolve) => {
      const client = new Client();
      let settled = false;
      const done = (r: SshToolResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        client.end();
        resolve(r);
      };
      const timer = setTimeout(
        () => done({ status: 'error', message: 'portcullis: the command timed out' }),
        timeoutMs,
      );
      client.on('error', (err) => done({ status: 'error', message: `portcullis: ${refusedLogin(err.message)}` }));
      client.on('ready', () =>
        client.exec(command, (err, ch) => {
          if (err) return done({ status: 'error', message: `portcullis: ${err.message}` });
          const out = { stdout: [] as Buffer[], stderr: [] as Buffer[], size: 0, truncated: false };
          const keep = (into: Buffer[]) => (d: Buffer) => {
            if (out.size + d.length > MAX_OUTPUT_BYTES) out.truncated = true;
            else into.push(d);
            out.size += d.length;
          };
          let exitCode: number | null = null;
          let signal: string | undefined;
          ch.on('data', keep(out.stdout));
          ch.stderr.on('data', keep(out.stderr));
          ch.on('exit', (code: number | null, sig?: string) => {
            exitCode = code;
            signal = sig ?? undefined;
          });
          ch.on('close', () => {
            const stdout = Buffer.concat(out.stdout).toString('utf8');
            const stderr = Buffer.concat(out.stderr).toString('utf8');
            done(
              refusalOf(exitCode, stdout, stderr) ?? {
                status: 'ok',
                exitCode,
                ...(signal ? { signal } : {}),
                stdout,
                stderr,
                truncated: out.truncated,
              },
            );
          });
          ch.end();
        }),
      );
      client.connect({
        host: ownHost(),
        port: this.loaded.config.services.broker.sshPort,
        username: connection,
        password: token,
        readyTimeout: Math.min(timeoutMs, 20000),
        hostVerifier: (key: Buffer) =>
          `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}` === expected,
      });
    });
  }
}

/** The listener refuses a command by printing `portcullis: …` on stderr with exit status 1 and nothing else. */
function refusalOf(exitCode: number | null, stdout: string, stderr: string): ToolRefusal | undefined {
  if (exitCode !== 1 || stdout !== '' || !stderr.startsWith('portcullis: ')) return undefined;
  const message = stderr.trim();
  const approvalId = /approval (?:id )?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/.exec(
    message,
  )?.[1];
  const rules = /denied by ([\w.,\s-]+?):/.exec(message)?.[1];
  const pending = /approval required/.test(message);
  return toolRefusal({
    code: pending ? 'approval_pending' : 'denied',
    message,
    ...(rules ? { ruleIds: rules.split(',').map((r) => r.trim()) } : {}),
    ...(approvalId ? { approvalId } : {}),
  });
}

function refusedLogin(message: string): string {
  return /authentication methods failed/i.test(message)
    ? 'the SSH listener refused the login (token refused, or connect denied by policy; the audit trail has the reason)'
    : message;
}
