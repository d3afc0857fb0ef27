import { requiresMfa } from './index.js';

test('admin roles require MFA, others do not', () => {
  for (const role of ['superadmin', 'tenant_admin', 'dpo', 'auditor'] as const) expect(requiresMfa([role])).toBe(true);
  for (const role of ['developer', 'user', 'service'] as const) expect(requiresMfa([role])).toBe(false);
  expect(requiresMfa(['user', 'dpo'])).toBe(true);
  expect(requiresMfa([])).toBe(false);
});
