import { requiresMfa } from '@gardien/authz';
import { acceptTotp, currentTotp, enrolTotp } from './totp.js';

test('admin roles require MFA, others do not', () => {
  expect(requiresMfa(['tenant_admin'])).toBe(true);
  expect(requiresMfa(['developer', 'dpo'])).toBe(true);
  expect(requiresMfa(['developer', 'user'])).toBe(false);
});

test('enrolment gives a secret and an otpauth URI naming the account id, not an email', () => {
  const { secret, uri } = enrolTotp('0b6f1c1e-acct');
  expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
  expect(uri).toBe(`otpauth://totp/Gardien:0b6f1c1e-acct?secret=${secret}&issuer=Gardien`);
});

test('a current code is accepted once; wrong, malformed and replayed codes are refused', async () => {
  const { secret } = enrolTotp('acct');
  const code = await currentTotp(secret);
  const step = await acceptTotp(secret, code);
  expect(step).toEqual(expect.any(Number));
  expect(await acceptTotp(secret, code, step)).toBeUndefined();
  expect(await acceptTotp(secret, code === '000000' ? '111111' : '000000')).toBeUndefined();
  expect(await acceptTotp(secret, '12345')).toBeUndefined();
  expect(await acceptTotp(enrolTotp('other').secret, code)).toBeUndefined();
});
