import { classifyShell } from '@portcullis/command-classifier';
import type { LineScreening } from '../pipeline/command-pipeline.service';
import { LineGuard } from '../recording/line-guard';
import { ScriptGuard } from '../recording/script-guard';

/** How the agent's stdin of an exec or attach is screened: typed at a terminal, or read as a script. */
export type StdinScreening = 'terminal' | 'script';

/** What stands between the agent's stdin and the container (the line guard or the script guard). */
export interface StdinFilter {
  write(data: Buffer): void;
  /** The agent's end of stdin: whatever is still held is screened first, then `then` runs. */
  end(then: () => void): void;
  close(): void;
}

/** The classifier's reason for a shell that reads its program from stdin (`sh`, `bash -s`, `env sh -i`). */
const SHELL_READS_STDIN = /^\S+ reads its program from the terminal \(interactive shell\)$/;

/**
 * With a terminal every line typed is screened. Without one, stdin is data (`kubectl cp`'s tar stream,
 * `kubectl exec -i … -- cat > file`) unless the command is a shell reading its program from stdin
 * (`kubectl exec -i pod -- sh < script`): then each whole line is screened before the shell reads it,
 * as SSH screens `ssh -T host < script`. Other interpreters' programs are not shell and stay unscreened;
 * policy decides whether they may run at all (they are dynamic).
 */
export async function stdinScreeningOf(
  command: string[] | undefined,
  stdin: boolean,
  tty: boolean,
): Promise<StdinScreening | undefined> {
  if (!stdin) return undefined;
  if (tty) return 'terminal';
  if (!command || command.length === 0) return undefined;
  const c = await classifyShell(command);
  return c.ok && c.dynamicReasons.some((r) => SHELL_READS_STDIN.test(r)) ? 'script' : undefined;
}

/** The guard for one stream's stdin: keystrokes with the Enter held, or whole lines held. */
export function stdinGuard(
  how: StdinScreening,
  screen: (line: string) => Promise<LineScreening>,
  forward: (data: Buffer) => void,
  notify: (message: string) => void,
): StdinFilter {
  if (how === 'script') return new ScriptGuard(screen, forward, notify);
  const guard = new LineGuard(screen, forward, notify);
  return { write: (d) => guard.write(d), end: (then) => then(), close: () => guard.close() };
}
