import { detectSpans, mergeSpans } from './detectors';
import type { DetectorName, Span } from './types';

/** What one detector finds in text, as the matched substrings. */
function found(detector: DetectorName, text: string): string[] {
  return detectSpans(text, [detector]).map((s) => text.slice(s.start, s.end));
}

type Case = [string, string[]];

const jwtToken =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';
const pem = '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7bq\nq8s9AbCdEf==\n-----END RSA PRIVATE KEY-----';

const cases: Record<DetectorName, Case[]> = {
  email: [
    ['contact jane.doe+tag@example.co.uk today', ['jane.doe+tag@example.co.uk']],
    ['{"email":"a@b.io","x":1}', ['a@b.io']],
    ['line\\nbob@corp.example.com', ['bob@corp.example.com']],
    ['from the start of the local part: x -nbob@corp.example.com', ['-nbob@corp.example.com']],
    ['john_doe@x.io and _svc@x.io', ['john_doe@x.io', '_svc@x.io']],
    ['wait ...john@x.io', ['...john@x.io']],
    ['two: a@x.org, b@y.net.', ['a@x.org', 'b@y.net']],
    ['npm i left-pad@1.3.0', []],
    ['ssh deploy@host', []],
    ['@portcullis/masking', []],
    ['already masked j***@example.com', []],
    ['no at sign here', []],
  ],
  phone: [
    ['call +1 415 555 2671 now', ['+1 415 555 2671']],
    ['E.164 +14155552671', ['+14155552671']],
    ['+44 (20) 7946-0958', ['+44 (20) 7946-0958']],
    ['(415) 555-2671', ['(415) 555-2671']],
    ['415-555-2671 and 1-800-555-0199', ['415-555-2671', '1-800-555-0199']],
    ['415.555.2671', ['415.555.2671']],
    ['UK 020 7946 0958', ['020 7946 0958']],
    ['FR 01 23 45 67 89', ['01 23 45 67 89']],
    ['order 1234567890123', []],
    ['ts 1699999999 and 1699999999123', []],
    ['2024-01-15 10:30:00+01:00', []],
    ['uuid 550e8400-e29b-41d4-a716-446655440000', []],
    ['version 10.200.3000 and 1.2.3', []],
    ['ip 192.168.100.200', []],
    ['ssn-shaped 123-45-6789', []],
    ['+1234567', []],
    ['amount 0.4155552671', []],
    ['mixed 415-555.2671', []],
    ['then an id +1 415 555 2671 123456789', ['+1 415 555 2671']],
    ['then a number +1 415 555 2671 0.5 4000', ['+1 415 555 2671 0.5']], // over-masks, never under
    ['two in a row 020 7946 0958 020 7946 0959', ['020 7946 0958', '020 7946 0959']],
    ['dashed run 030-1234-5678-9999-1234', []],
  ],
  payment_card: [
    ['visa 4111111111111111', ['4111111111111111']],
    ['4242 4242 4242 4242', ['4242 4242 4242 4242']],
    ['mc 5555-5555-5555-4444 exp', ['5555-5555-5555-4444']],
    ['amex 3782 822463 10005', ['3782 822463 10005']],
    ['amex 378282246310005', ['378282246310005']],
    ['discover 6011111111111117', ['6011111111111117']],
    ['card+cvv 4242 4242 4242 4242 123', ['4242 4242 4242 4242']],
    ['csv 7,4111111111111111,ok', ['4111111111111111']],
    ['json\\n4111111111111111', ['4111111111111111']],
    ['json tab\\t4111111111111111', ['4111111111111111']],
    ['after a letter n n4111111111111111', []],
    ['after a backslash \\4111111111111111', []],
    ['bad luhn 4111111111111112', []],
    ['bad luhn 4242 4242 4242 4241', []],
    ['no issuer 1234567812345670', []],
    ['ms timestamp 1699999999999', []],
    ['float 0.4111111111111111', []],
    ['amount 4111111111111111.50', []],
    ['in hex a4111111111111111b', []],
    ['prefixed ord-4111111111111111', []],
    ['too long 41111111111111111111111', []],
    ['spaced digits 4 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1', []],
    ['hash:4111111111111111', []],
    ['after a rejected candidate 1000 4000 1000 0000 0000 x', ['4000 1000 0000 0000']],
  ],
  iban: [
    ['DE89370400440532013000', ['DE89370400440532013000']],
    ['pay to GB82 WEST 1234 5698 7654 32.', ['GB82 WEST 1234 5698 7654 32']],
    ['FR1420041010050500013M02606', ['FR1420041010050500013M02606']],
    ['NO9386011117947', ['NO9386011117947']],
    ['bad check DE88370400440532013000', []],
    ['wrong length DE8937040044053201300', []],
    ['unknown country ZZ89370400440532013000', []],
    ['glued DE89370400440532013000X', []],
    ['lower de89370400440532013000', []],
  ],
  us_ssn: [
    ['ssn 123-45-6789', ['123-45-6789']],
    ['markdown * 123-45-6789 and *123-45-6789*', ['123-45-6789', '123-45-6789']],
    ['{"ssn":"078-05-1120"}', ['078-05-1120']],
    ['area 000-12-3456', []],
    ['area 666-12-3456', []],
    ['area 900-12-3456', []],
    ['group 123-00-4567', []],
    ['serial 123-45-0000', []],
    ['no dashes 123456789', []],
    ['date 2024-01-15', []],
    ['longer 1123-45-6789', []],
    ['uuid-ish 123-45-6789-aa', []],
  ],
  jwt: [
    [`Authorization: Bearer ${jwtToken}`, [jwtToken]],
    [`{"token":"${jwtToken}"}`, [jwtToken]],
    ['unsigned eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.', ['eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.']],
    ['header without alg eyJ0eXAiOiJKV1QifQ.eyJzdWIiOiJ4In0.sig', []],
    ['hostname eyeball.example.com', []],
    [
      'after a rejected candidate eyeball1.eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.',
      ['eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.'],
    ],
    ['not base64 json eyJub3Rqc29u.abc.def', []],
  ],
  cloud_key: [
    ['AKIAIOSFODNN7EXAMPLE', ['AKIAIOSFODNN7EXAMPLE']],
    ['export AWS_ACCESS_KEY_ID=ASIAY34FZKBOKMUTVV7A', ['ASIAY34FZKBOKMUTVV7A']],
    ['aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', ['wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY']],
    ['"SecretAccessKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"', ['wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY']],
    ['key=AIzaSyDaGmWKa4JsXZ-HjGw7ISLn_3namBGewQe', ['AIzaSyDaGmWKa4JsXZ-HjGw7ISLn_3namBGewQe']],
    [
      'DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq==;EndpointSuffix=core.windows.net',
      ['Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq=='],
    ],
    ['token ghp_16C7e42F292c6912E7710c838347Ae178B4a', ['ghp_16C7e42F292c6912E7710c838347Ae178B4a']],
    [
      'github_pat_11ABCDEFG0123456789abc_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVW',
      ['github_pat_11ABCDEFG0123456789abc_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVW'],
    ],
    [
      'SLACK=xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx',
      ['xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx'],
    ],
    ['AKIA too short AKIA1234', []],
    ['40 chars without context wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', []],
    ['ghp_short', []],
    ['prefix inside word XAKIAIOSFODNN7EXAMPLE', []],
    ['after a letter n nAKIAIOSFODNN7EXAMPLE', []],
    ['after an escape {"k":"x\\nAKIAIOSFODNN7EXAMPLE"}', ['AKIAIOSFODNN7EXAMPLE']],
  ],
  private_key: [
    [`before\n${pem}\nafter`, [pem]],
    [
      '{"key":"-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBg\\n-----END PRIVATE KEY-----"}',
      ['-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBg\\n-----END PRIVATE KEY-----'],
    ],
    [
      '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXk\ntruncated',
      ['-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXk\ntruncated'],
    ],
    ['-----BEGIN PUBLIC KEY-----\nMFkwEwYH\n-----END PUBLIC KEY-----', []],
    ['-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----', []],
  ],
};

describe.each(Object.entries(cases))('%s detector', (detector, table) => {
  it.each(table)('%j → %j', (text, expected) => {
    expect(found(detector as DetectorName, text)).toEqual(expected);
  });
});

describe('every detector together', () => {
  it('finds each kind once in a mixed row and never reports overlapping spans', () => {
    const text = `jane@example.com | 4111 1111 1111 1111 | +1 415 555 2671 | 123-45-6789 | DE89370400440532013000 | ${jwtToken}`;
    const spans = detectSpans(text);
    expect(spans.map((s) => s.detector)).toEqual(['email', 'payment_card', 'phone', 'us_ssn', 'iban', 'jwt']);
    for (let i = 1; i < spans.length; i++) expect(spans[i].start).toBeGreaterThanOrEqual(spans[i - 1].end);
  });

  it('lets a finding inside a longer one be covered by it (a card in an email local part)', () => {
    const text = '4111111111111111@example.com';
    expect(detectSpans(text)).toEqual([{ start: 0, end: text.length, detector: 'email' }]);
  });

  it('finds nothing in ordinary ids, timestamps, UUIDs and versions', () => {
    const text =
      'id=987654321 order=100000000000042 at 2024-05-01T12:00:00.123Z (1714564800123) ' +
      'uuid 123e4567-e89b-12d3-a456-426614174000 v1.22.3 build 20240501.3 sha 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08';
    expect(detectSpans(text)).toEqual([]);
  });
});

describe('mergeSpans', () => {
  const span = (start: number, end: number, detector: DetectorName): Span => ({ start, end, detector });

  it('drops a span contained in another', () => {
    expect(mergeSpans([span(2, 4, 'phone'), span(0, 10, 'email')])).toEqual([span(0, 10, 'email')]);
  });

  it('joins partly overlapping spans under the more specific detector, marked as merged', () => {
    expect(mergeSpans([span(0, 6, 'phone'), span(4, 12, 'iban')])).toEqual([
      { start: 0, end: 12, detector: 'iban', merged: true },
    ]);
  });

  it('keeps adjacent spans apart', () => {
    expect(mergeSpans([span(5, 9, 'email'), span(0, 5, 'phone')])).toEqual([span(0, 5, 'phone'), span(5, 9, 'email')]);
  });
});
