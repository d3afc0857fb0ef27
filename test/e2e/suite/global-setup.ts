// Global setup of the e2e suite: one set of canaries that every spec plants (suiteCanaries), and
// the folder in which every platform keeps what it audited, for the spec that runs last
// (zz-audit-catalogue.e2e-spec.ts). Both reach the specs through the environment.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AUDIT_COLLECTION_VARIABLE, E2E_NAME_FILTER_VARIABLE, SUITE_CANARIES_VARIABLE, makeCanaries } from '@gardien/testing';

export default function globalSetup(globalConfig: { testNamePattern?: string }): void {
  process.env[SUITE_CANARIES_VARIABLE] = JSON.stringify(makeCanaries());
  process.env[AUDIT_COLLECTION_VARIABLE] = mkdtempSync(join(tmpdir(), 'gardien-e2e-audit-'));
  // A run filtered by test name runs every file but not every test: it cannot produce the whole catalogue.
  if (globalConfig.testNamePattern) process.env[E2E_NAME_FILTER_VARIABLE] = globalConfig.testNamePattern;
}
