import { purposeAuditRef } from './purpose-ref.js';

test('is the RFC 9562 name-based (SHA-1, version 5) uuid', () => {
  // RFC 9562, appendix A.4: "www.example.com" in the DNS namespace.
  expect(purposeAuditRef('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'www.example.com')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
});

test('is stable for a tenant and a purpose, and differs between tenants', () => {
  const a = '7f1d1e6e-5a7b-4a8e-9a51-0d1f6f2b9c11';
  const b = '2c0d9f8e-6f0a-4c55-b0f4-1c7e2d9a8b30';
  expect(purposeAuditRef(a, 'support')).toBe(purposeAuditRef(a, 'support'));
  expect(purposeAuditRef(a, 'support')).not.toBe(purposeAuditRef(b, 'support'));
  expect(purposeAuditRef(a, 'support')).not.toBe(purposeAuditRef(a, 'billing'));
  expect(purposeAuditRef(a, 'support')).not.toContain('support');
});
