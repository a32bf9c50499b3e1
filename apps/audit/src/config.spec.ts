import { ConfigError, parseConfig } from '@portcullis/config';
import { auditSettings } from './config';

const load = (yaml: string) => parseConfig(yaml, 'p.yaml', {});

describe('audit settings', () => {
  it('has production defaults', () => {
    const s = auditSettings(load('identity:\n  auditorGroups: [g-aud]\n'));
    expect(s).toMatchObject({
      stream: { maxAgeSeconds: 7 * 24 * 3600, duplicateWindowSeconds: 120 },
      consumer: { durable: 'audit-store', ackWaitSeconds: 30 },
      ingest: { batchSize: 1000 },
      chain: { key: null },
      auditorGroups: ['g-aud'],
    });
  });

  it('names the file position and key of a bad value', () => {
    const yaml = 'audit:\n  stream:\n    maxAgeSeconds: -5\n  ingest:\n    batchSz: 10\n';
    let problems: string[] = [];
    try {
      auditSettings(load(yaml));
    } catch (err) {
      problems = (err as ConfigError).problems;
    }
    expect(problems).toEqual([
      expect.stringMatching(/^p\.yaml:3:20: audit\.stream\.maxAgeSeconds: Number must be greater than 0$/),
      'p.yaml:5:5: audit.ingest: unknown key batchSz',
    ]);
  });

  it('reads the chain key from its secret reference, never from the file', () => {
    const loaded = load('audit:\n  chain:\n    key: {env: CHAIN_KEY}\n');
    expect(auditSettings(loaded, { CHAIN_KEY: 's3cret' }).chain.key).toEqual(Buffer.from('s3cret'));
    expect(() => auditSettings(loaded, {})).toThrow(/audit\.chain\.key: environment variable CHAIN_KEY is not set/);
    expect(() => auditSettings(load('audit:\n  chain:\n    key: s3cret\n'))).toThrow(ConfigError);
  });
});
