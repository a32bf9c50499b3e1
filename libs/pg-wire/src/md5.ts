import { createHash } from 'node:crypto';

/**
 * The answer to AuthenticationMD5Password: "md5" + md5(md5(password + user) + salt), hex.
 * Only for upstreams still configured for md5; it is replayable by anyone who learns the stored
 * hash, so the broker should prefer SCRAM and treat md5 as a configuration to warn about.
 */
export function md5PasswordHash(user: string, password: string, salt: Uint8Array): string {
  const inner = createHash('md5').update(password).update(user).digest('hex');
  return 'md5' + createHash('md5').update(inner).update(salt).digest('hex');
}
