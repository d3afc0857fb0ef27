// TOTP (RFC 6238) for the accounts that must use MFA (superadmin, tenant_admin, dpo, auditor).
// The enrolment URI names the account by id, never by email. A code is accepted once: the time
// step it was accepted at is kept and older or equal steps are refused (replay protection).
import { generate, generateSecret, generateURI, verify } from 'otplib';

export interface TotpEnrolment {
  secret: string;
  uri: string;
}

export function enrolTotp(accountId: string, issuer = 'Gardien'): TotpEnrolment {
  const secret = generateSecret();
  return { secret, uri: generateURI({ issuer, label: accountId, secret }) };
}

/** The time step at which `code` is valid (±1 step of clock skew), or undefined. */
export async function acceptTotp(secret: string, code: string, lastAcceptedStep?: number): Promise<number | undefined> {
  if (!/^\d{6}$/.test(code)) return undefined;
  const result = await verify({
    secret,
    token: code,
    epochTolerance: 30,
    ...(lastAcceptedStep !== undefined ? { afterTimeStep: lastAcceptedStep } : {}),
  });
  if (!result.valid) return undefined;
  return 'timeStep' in result && typeof result.timeStep === 'number' ? result.timeStep : undefined;
}

/** For tests and for the enrolment confirmation screen of a client. */
export function currentTotp(secret: string): Promise<string> {
  return generate({ secret });
}
