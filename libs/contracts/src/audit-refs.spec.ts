import { MODEL_NAMESPACE, modelAuditRef, nameBasedUuid, purposeAuditRef } from './audit-refs.js';

test('is the RFC 9562 name-based (SHA-1, version 5) uuid', () => {
  // RFC 9562, appendix A.4: "www.example.com" in the DNS namespace.
  expect(nameBasedUuid('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'www.example.com')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  expect(purposeAuditRef('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'www.example.com')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
});

test('a purpose ref is stable for a tenant and a purpose, and differs between tenants', () => {
  const a = '7f1d1e6e-5a7b-4a8e-9a51-0d1f6f2b9c11';
  const b = '2c0d9f8e-6f0a-4c55-b0f4-1c7e2d9a8b30';
  expect(purposeAuditRef(a, 'support')).toBe(purposeAuditRef(a, 'support'));
  expect(purposeAuditRef(a, 'support')).not.toBe(purposeAuditRef(b, 'support'));
  expect(purposeAuditRef(a, 'support')).not.toBe(purposeAuditRef(a, 'billing'));
  expect(purposeAuditRef(a, 'support')).not.toContain('support');
});

test('a model ref is the name-based uuid of its id in the models namespace, which any RFC 9562 tool recomputes', () => {
  expect(MODEL_NAMESPACE).toBe(nameBasedUuid('6ba7b811-9dad-11d1-80b4-00c04fd430c8', 'gardien:model'));
  expect(modelAuditRef('llama3.2')).toBe(nameBasedUuid(MODEL_NAMESPACE, 'llama3.2'));
  expect(modelAuditRef('llama3.2')).not.toBe(modelAuditRef('llama3.2:latest'));
  expect(modelAuditRef('llama3.2')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});
