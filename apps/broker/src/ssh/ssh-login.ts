import type { AuthContext, KeyboardAuthContext } from 'ssh2';

/**
 * OpenSSH's client reads a password or prompt answer into a 1024-byte buffer, so it cannot send an
 * access token longer than 1023 characters (Entra tokens are usually 1,200–2,500). Keyboard-interactive
 * therefore takes the token in parts: each prompt names its part, a part of exactly TOKEN_PART_CHARS
 * means more follows, and any other length (even empty) ends the token. A short token fits in part 1, so
 * `sshpass` works for it; longer ones need an SSH_ASKPASS helper that prints the part the prompt asks
 * for. The password method takes the whole token in one go, for clients without that limit.
 */
export const TOKEN_PART_CHARS = 1000;
const MAX_PARTS = 16;
/** The longest answer OpenSSH can send: one of exactly this length was most likely cut short. */
const OPENSSH_MAX_ANSWER = 1023;

export type LoginCheck = { ok: true } | { ok: false; message: string };

/**
 * The token step of one SSH connection: collects the token from the client's password or keyboard-
 * interactive answers and hands it, with the user name (the connection name), to `check`. A refusal is
 * final: the reason is shown where the protocol allows it (keyboard-interactive instructions, which
 * OpenSSH prints) and the connection is then closed, as retrying the same token cannot succeed.
 */
export class SshLogin {
  private busy = false;
  private done = false;
  private cut = false;

  constructor(
    private readonly check: (username: string, token: string) => Promise<LoginCheck>,
    private readonly onRefused: (message: string) => void,
  ) {}

  handle(ctx: AuthContext): void {
    if (this.busy || this.done) return ctx.reject();
    if (ctx.method === 'password') {
      this.busy = true;
      void this.decide(ctx, ctx.password);
      return;
    }
    if (ctx.method === 'keyboard-interactive') {
      this.busy = true;
      this.collect(ctx, [], (token) => void this.decide(ctx, token));
      return;
    }
    ctx.reject(['keyboard-interactive', 'password']);
  }

  private collect(ctx: KeyboardAuthContext, parts: string[], then: (token: string) => void): void {
    const n = parts.length + 1;
    const prompt = n === 1 ? 'Password (access token): ' : `Password (access token, part ${n}): `;
    ctx.prompt([{ prompt, echo: false }], (answers) => {
      const part = answers[0] ?? '';
      parts.push(part);
      if (part.length === TOKEN_PART_CHARS && n < MAX_PARTS) return this.collect(ctx, parts, then);
      this.cut = parts.some((p) => p.length === OPENSSH_MAX_ANSWER);
      then(parts.join(''));
    });
  }

  private async decide(ctx: AuthContext, token: string): Promise<void> {
    const verdict = await this.check(ctx.username, token).catch((): LoginCheck => ({
      ok: false,
      message: 'internal error while checking the token',
    }));
    this.busy = false;
    if (verdict.ok) {
      this.done = true;
      return ctx.accept();
    }
    this.done = true;
    const hint = this.cut
      ? ' (the ssh client cut the token at 1023 characters: answer each "part N" prompt with the next 1000 characters, e.g. with an SSH_ASKPASS helper)'
      : '';
    const message = `portcullis: ${verdict.message}${hint}`;
    const finish = () => {
      ctx.reject([]);
      this.onRefused(message);
    };
    if (ctx.method === 'keyboard-interactive') ctx.prompt([], 'Portcullis', message, finish);
    else finish();
  }
}
