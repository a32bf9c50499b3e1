import { B64URL, escapeOk, exactlyNotAfter, notAfter } from './boundaries';
import type { Detector, Span } from './types';

const TOKEN_LEFT = notAfter('_\\-');

/**
 * Three base64url parts (five for JWE); the header is decoded and must be a JSON object with an
 * `alg`, which dotted identifiers and hostnames never are. The signature may be empty (`alg: none`).
 */
const JWT_RE = new RegExp(
  `${exactlyNotAfter('_\\-')}e[wy][${B64URL}]{6,}\\.[${B64URL}]+\\.[${B64URL}]*(?:\\.[${B64URL}]*\\.[${B64URL}]*)?(?![${B64URL}])`,
  'g',
);

function hasJoseHeader(token: string): boolean {
  const dot = token.indexOf('.');
  if (dot > 16384) return false; // x5c certificate chains make headers of a few KB, not more
  const json = Buffer.from(token.slice(0, dot), 'base64url').toString('utf8').trim();
  // Most candidates fail here, before JSON.parse and its costly exception.
  if (json[0] !== '{' || json[json.length - 1] !== '}') return false;
  try {
    const header: unknown = JSON.parse(json);
    return typeof header === 'object' && header !== null && typeof (header as { alg?: unknown }).alg === 'string';
  } catch {
    return false;
  }
}

export const jwt: Detector = {
  name: 'jwt',
  gate: /e[wy][\w-]{6}/, // bounded: an unbounded run here would rescan long base64 blobs from every `ey`
  find(text: string, out: Span[]): void {
    JWT_RE.lastIndex = 0;
    for (let m = JWT_RE.exec(text); m !== null; m = JWT_RE.exec(text)) {
      if (hasJoseHeader(m[0])) {
        out.push({ start: m.index, end: m.index + m[0].length, detector: 'jwt' });
      } else JWT_RE.lastIndex = m.index + 1; // `eyeball.eyJhbGci...`: the real token may start inside
    }
  },
};

/**
 * Cloud and SaaS credentials. Each pattern's last capture group is the secret; when it is the
 * value of a `key=` pair only the value is masked, so the output still says what was there.
 */
const CLOUD_PATTERNS: readonly RegExp[] = [
  // AWS access key ids (long-term AKIA, temporary ASIA).
  new RegExp(`${notAfter('')}((?:AKIA|ASIA)[A-Z0-9]{16})(?![A-Za-z0-9])`, 'g'),
  // AWS secret access keys have no prefix: only trust them next to their name (env, ini, CLI JSON).
  /(?:aws_?)?secret_?access_?key(?:\\?["'])?\s*[:=]\s*(?:\\?["'])?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])/gi,
  // Google API keys.
  new RegExp(`${TOKEN_LEFT}(AIza[${B64URL}]{35})(?![${B64URL}])`, 'g'),
  // Azure storage / Service Bus connection strings.
  /(?:AccountKey|SharedAccessKey)=([A-Za-z0-9+/]{20,}={0,2})/g,
  // GitHub personal, OAuth, user-to-server, server-to-server and refresh tokens; fine-grained PATs.
  new RegExp(`${TOKEN_LEFT}(gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})(?![A-Za-z0-9_])`, 'g'),
  // Slack bot, app, user, refresh and session tokens.
  new RegExp(`${TOKEN_LEFT}(xox[abprs]-[A-Za-z0-9\\-]{10,250})(?![A-Za-z0-9\\-])`, 'g'),
];

export const cloudKey: Detector = {
  name: 'cloud_key',
  gate: /AKIA|ASIA|AIza|gh[pousr]_|github_pat_|xox[abprs]-|AccountKey=|SharedAccessKey=|[sS][eE][cC][rR][eE][tT]_?[aA][cC][cC][eE][sS][sS]/,
  find(text: string, out: Span[]): void {
    for (const re of CLOUD_PATTERNS) {
      re.lastIndex = 0;
      for (let m = re.exec(text); m !== null; m = re.exec(text)) {
        // Every secret group ends its match, so its position follows from the lengths.
        const end = m.index + m[0].length;
        const start = end - (m[m.length - 1] ?? m[0]).length;
        if (escapeOk(text, start)) out.push({ start, end, detector: 'cloud_key' });
        else re.lastIndex = m.index + 1;
      }
    }
  },
};

/**
 * PEM private keys (PKCS#1, PKCS#8, encrypted, EC, OpenSSH, PGP) from BEGIN through the matching
 * END. A block without its END (output cut off, a truncated log line) is masked to the end of the
 * text: a partial key is still key material.
 */
const PRIVATE_KEY_RE =
  /-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END \1PRIVATE KEY(?: BLOCK)?-----|$)/g;

export const privateKey: Detector = {
  name: 'private_key',
  gate: /-----BEGIN /,
  find(text: string, out: Span[]): void {
    PRIVATE_KEY_RE.lastIndex = 0;
    for (let m = PRIVATE_KEY_RE.exec(text); m !== null; m = PRIVATE_KEY_RE.exec(text)) {
      out.push({ start: m.index, end: m.index + m[0].length, detector: 'private_key' });
    }
  },
};
