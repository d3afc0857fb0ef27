// Global teardown of the e2e suite: the folder of what its platforms audited goes.
import { rmSync } from 'node:fs';
import { auditCollectionDir } from '@gardien/testing';

export default function globalTeardown(): void {
  const dir = auditCollectionDir();
  if (dir) rmSync(dir, { recursive: true, force: true });
}
