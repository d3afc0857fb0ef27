import fc from 'fast-check';
import { ApiKeyRef, CreateInitialAdminRequest, SetUserRolesRequest, UserRef } from './auth-operations.js';
import { Uuid } from './primitives.js';
import { TenantDeletedEvent } from './tenant-events.js';
import { ResolveTenantRequest, TenantRef, TenantSettingsRef, UpdateTenantSettingsRequest } from './tenant-operations.js';

/** A uuid with each letter in upper or lower case, as a client may write it. */
const anyCaseUuid = fc.tuple(fc.uuid(), fc.array(fc.boolean(), { minLength: 36, maxLength: 36 })).map(([id, upper]) => ({
  canonical: id,
  written: [...id].map((char, i) => (upper[i] ? char.toUpperCase() : char)).join(''),
}));

test('a uuid in any case is read as its canonical lower-case form', () => {
  fc.assert(
    fc.property(anyCaseUuid, ({ canonical, written }) => {
      expect(Uuid.parse(written)).toBe(canonical);
    }),
  );
});

test('every id a destructive or tenant-scoped operation names comes out canonical', () => {
  fc.assert(
    fc.property(anyCaseUuid, ({ canonical, written }) => {
      expect(UserRef.parse({ id: written }).id).toBe(canonical);
      expect(ApiKeyRef.parse({ id: written }).id).toBe(canonical);
      expect(SetUserRolesRequest.parse({ id: written, roles: ['user'] }).id).toBe(canonical);
      expect(CreateInitialAdminRequest.parse({ tenant_id: written, email: 'a@b.example', password: 'long enough passphrase' }).tenant_id).toBe(canonical);
      expect(TenantRef.parse({ id: written }).id).toBe(canonical);
      expect(ResolveTenantRequest.parse({ id: written })).toEqual({ id: canonical });
      expect(TenantSettingsRef.parse({ tenant_id: written }).tenant_id).toBe(canonical);
      expect(UpdateTenantSettingsRequest.parse({ tenant_id: written }).tenant_id).toBe(canonical);
      expect(TenantDeletedEvent.parse({ tenantId: written }).tenantId).toBe(canonical);
    }),
  );
});

test('what is not a uuid is still refused', () => {
  for (const value of ['', 'not-a-uuid', '0c8f6a52-3b1e-4d7a-9f20-5e6d7c8b9a0', '0c8f6a52-3b1e-4d7a-9f20-5e6d7c8b9a01 ', 'G c8f6a52-3b1e-4d7a-9f20-5e6d7c8b9a01']) {
    expect(Uuid.safeParse(value).success).toBe(false);
  }
});
