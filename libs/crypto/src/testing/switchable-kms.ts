// An in-test Kms decorator: counts the calls that reach the real adapter, and can be switched to
// fail every call as an unreachable KMS would (KMS_UNAVAILABLE).
import { CryptoError, CryptoErrorCode } from '../crypto.errors.js';
import type { GeneratedDataKey, Kms, TenantKeyRef } from '../kms.port.js';

export class SwitchableKms implements Kms {
  reachable = true;
  readonly calls: string[] = [];

  constructor(private readonly inner: Kms) {}

  ensureTenantKey(ref: TenantKeyRef): Promise<void> {
    return this.run('ensureTenantKey', () => this.inner.ensureTenantKey(ref));
  }
  generateDataKey(ref: TenantKeyRef): Promise<GeneratedDataKey> {
    return this.run('generateDataKey', () => this.inner.generateDataKey(ref));
  }
  unwrapDataKey(ref: TenantKeyRef, wrapped: string): Promise<Buffer> {
    return this.run('unwrapDataKey', () => this.inner.unwrapDataKey(ref, wrapped));
  }
  rotateTenantKey(ref: TenantKeyRef): Promise<{ latestVersion: number }> {
    return this.run('rotateTenantKey', () => this.inner.rotateTenantKey(ref));
  }
  rewrap(ref: TenantKeyRef, wrapped: string): Promise<string> {
    return this.run('rewrap', () => this.inner.rewrap(ref, wrapped));
  }
  retireVersionsBelow(ref: TenantKeyRef, minVersion: number): Promise<void> {
    return this.run('retireVersionsBelow', () => this.inner.retireVersionsBelow(ref, minVersion));
  }
  destroyTenantKey(ref: TenantKeyRef): Promise<void> {
    return this.run('destroyTenantKey', () => this.inner.destroyTenantKey(ref));
  }

  count(operation: string): number {
    return this.calls.filter((call) => call === operation).length;
  }

  private async run<T>(operation: string, call: () => Promise<T>): Promise<T> {
    if (!this.reachable) throw new CryptoError(CryptoErrorCode.KmsUnavailable, 'KMS unreachable (test)');
    this.calls.push(operation);
    return call();
  }
}
