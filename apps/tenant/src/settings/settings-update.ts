// The rules of a settings update, without I/O: retention overrides may only name a category that
// its owning service declares, that tenants may shorten, and only shorten it; an update replaces
// the models and the overrides it gives and merges the quotas it gives.
import type { ErrorDetail, TenantSettings, UpdateTenantSettingsRequest } from '@gardien/contracts';
import { TenantReason, tenantError } from '../tenant.errors.js';

export type SettingsValues = Pick<TenantSettings, 'allowed_models' | 'quotas' | 'guards' | 'retention_days'>;

/** What a new tenant starts with: no model allowed until its admin allows one. */
export const DEFAULT_TENANT_SETTINGS: SettingsValues = {
  allowed_models: [],
  quotas: { requests_per_minute: 600, requests_per_day: 100_000, tokens_per_minute: 100_000, tokens_per_day: 1_000_000, api_key: {} },
  // A prompt that reads as an injection is refused; an answer naming identifiers the prompt did not hold is counted.
  guards: { injection: 'block', output_leaks: 'flag' },
  retention_days: {},
};

/** A retention a service declares in its inventory, keyed `<service>.<kind>`. */
export interface DeclaredRetentionPeriod {
  maxDays: number;
  tenantMayShorten: boolean;
}

/**
 * VALIDATION_FAILED unless every override names a declared category that tenants may shorten and
 * stays within its maximum. Paths name declared categories; an unknown key (the caller's text) is
 * shown as `*`. No value is echoed.
 */
export function checkRetentionOverrides(overrides: Record<string, number>, declared: Readonly<Record<string, DeclaredRetentionPeriod>>): void {
  const details: ErrorDetail[] = [];
  for (const [category, days] of Object.entries(overrides)) {
    const period = Object.hasOwn(declared, category) ? declared[category] : undefined;
    if (period === undefined) details.push({ path: 'payload.retention_days.*', reason: 'unknown_category' });
    else if (!period.tenantMayShorten) details.push({ path: `payload.retention_days.${category}`, reason: 'not_shortenable' });
    else if (days > period.maxDays) details.push({ path: `payload.retention_days.${category}`, reason: 'exceeds_declared_maximum' });
  }
  if (details.length > 0) {
    throw tenantError(TenantReason.RetentionOverrideRefused, { details: details.slice(0, 20) });
  }
}

export interface SettingsChange {
  next: SettingsValues;
  changed: { allowedModels: boolean; quotas: boolean; guards: boolean; retentionDays: boolean };
}

export function applySettingsUpdate(current: SettingsValues, update: Omit<UpdateTenantSettingsRequest, 'tenant_id'>): SettingsChange {
  const next: SettingsValues = {
    allowed_models: update.allowed_models ? [...new Set(update.allowed_models)] : current.allowed_models,
    quotas: { ...current.quotas, ...update.quotas },
    guards: { ...current.guards, ...update.guards },
    retention_days: update.retention_days ? { ...update.retention_days } : current.retention_days,
  };
  return {
    next,
    changed: {
      allowedModels: !sameList(current.allowed_models, next.allowed_models),
      quotas: !sameQuotas(current.quotas, next.quotas),
      guards: current.guards.injection !== next.guards.injection || current.guards.output_leaks !== next.guards.output_leaks,
      retentionDays: !sameRecord(current.retention_days, next.retention_days),
    },
  };
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}

function sameQuotas(a: TenantSettings['quotas'], b: TenantSettings['quotas']): boolean {
  const { api_key: keyA, ...tenantA } = a;
  const { api_key: keyB, ...tenantB } = b;
  return sameRecord(tenantA, tenantB) && sameRecord(keyA, keyB);
}

function sameRecord(a: Readonly<Record<string, number | undefined>>, b: Readonly<Record<string, number | undefined>>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && a[key] === b[key]);
}
