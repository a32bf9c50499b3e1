import { utils } from 'ssh2';
import { hostKeyMatches, parsePinnedHostKey } from './ssh-target';
import { fingerprintOf } from './ssh-host-key';

describe('pinned SSH host keys', () => {
  const key = utils.parseKey(utils.generateKeyPairSync('ed25519').private);
  const other = utils.parseKey(utils.generateKeyPairSync('ed25519').private);
  if (key instanceof Error || other instanceof Error) throw new Error('keygen');
  const blob = key.getPublicSSH();
  const line = `ssh-ed25519 ${blob.toString('base64')}`;

  it.each([
    ['a public key line', `${line} comment`],
    ['a known_hosts line', `[web-1]:22,10.0.0.5 ${line}`],
    ['a SHA256 fingerprint', fingerprintOf(key)],
  ])('accepts %s and matches only that key', (_name, text) => {
    const pinned = parsePinnedHostKey(text);
    expect(pinned).toBeDefined();
    expect(hostKeyMatches(pinned!, blob)).toBe(true);
    expect(hostKeyMatches(pinned!, other.getPublicSSH())).toBe(false);
  });

  it.each(['', 'SHA256:short', 'ssh-ed25519', 'ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAA', 'md5:aa:bb'])('refuses %p', (text) =>
    expect(parsePinnedHostKey(text)).toBeUndefined(),
  );
});
