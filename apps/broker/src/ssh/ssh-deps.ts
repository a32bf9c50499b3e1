import type { Client } from 'ssh2';
import type { AccessGate } from '../access/access-gate.service';
import type { ConnectionRegistry } from '../connections/connection-registry.service';
import type { CommandAudit } from '../pipeline/command-audit.service';
import type { CommandPipeline } from '../pipeline/command-pipeline.service';
import type { MaskerCache } from '../pipeline/masker-cache';
import type { TerminalRecorder } from '../recording/terminal-recorder';
import type { LiveSession } from '../sessions/session';
import type { SessionRegistry } from '../sessions/session-registry.service';
import type { SshCredentials, SshTarget } from './ssh-target';
import type { TerminalRequest } from './ssh-upstream';

/** What an SSH connection needs from the broker; provided by the SSH front end. */
export interface SshFrontEndDeps {
  gate: AccessGate;
  pipeline: CommandPipeline;
  audit: CommandAudit;
  registry: SessionRegistry;
  connections: ConnectionRegistry;
  maskers: MaskerCache;
  targetOf(name: string): { target: SshTarget; credentials: SshCredentials } | undefined;
}

/** Something open on a connection that must be told when the session is cut (suspension, expiry). */
export interface Abortable {
  abort(message: string): void;
}

/** What one channel of an SSH connection uses from the connection it belongs to. */
export interface SshChannelHost {
  readonly session: LiveSession;
  readonly deps: SshFrontEndDeps;
  /** The broker's connection to the target. */
  upstream(): Client;
  /** The session's terminal recording, started by its first terminal channel. */
  recorder(pty: TerminalRequest | undefined, title: string): TerminalRecorder;
  /** Tracks an open channel until the returned function is called. */
  track(channel: Abortable): () => void;
}
