import { isCardNumber, knownIssuer } from './card';
import { ibanChecksumValid, ibanLength, isIban } from './iban';
import { luhnValid } from './luhn';

describe('luhnValid', () => {
  it.each([
    ['4111111111111111', true],
    ['79927398713', true],
    ['0', true],
    ['4111111111111112', false],
    ['79927398710', false],
    ['', false],
    ['4111-1111', false],
  ])('%s → %s', (digits, ok) => expect(luhnValid(digits)).toBe(ok));
});

describe('card issuers', () => {
  it.each([
    ['4111111111111111', true], // Visa 16
    ['4222222222222', true], // Visa 13
    ['2223003122003222', true], // Mastercard 2-series
    ['371449635398431', true], // Amex
    ['30569309025904', true], // Diners 14
    ['3530111333300000', true], // JCB
    ['6200000000000005', true], // UnionPay
    ['1111111111111117', false], // Luhn-valid, no issuer starts with 1
    ['371449635398431000', false], // Amex prefix with the wrong length
    ['5105105105105100', true],
    ['5905105105105100', false], // 59 is no Mastercard
  ])('%s → %s', (digits, ok) => expect(isCardNumber(digits)).toBe(ok));

  it('checks the length table, not only the prefix', () => {
    expect(knownIssuer('4'.padEnd(15, '0'))).toBe(false);
  });
});

describe('IBAN', () => {
  it.each([
    ['DE89370400440532013000', true],
    ['GB82WEST12345698765432', true],
    ['NL91ABNA0417164300', true],
    ['BE68539007547034', true],
    ['CH9300762011623852957', true],
    ['DE89370400440532013001', false],
    ['GB82WEST1234569876543', false],
    ['XX89370400440532013000', false],
  ])('%s → %s', (iban, ok) => expect(isIban(iban)).toBe(ok));

  it('computes ISO 7064 mod 97 independently of the length table', () => {
    expect(ibanChecksumValid('GB82WEST12345698765432')).toBe(true);
    expect(ibanChecksumValid('GB83WEST12345698765432')).toBe(false);
    expect(ibanLength('__proto__')).toBeUndefined();
  });
});
