// For integration tests: the gateway's database as two replicas hold it, two connection pools of
// its runtime role on one database (migrated). The test drops its databases itself.
import type { DataSource } from 'typeorm';
import { CreateOutbox1732579200000, createServiceDataSource, openServiceDatabase } from '@gardien/persistence';
import { LLM_GATEWAY_MIGRATIONS } from '../migrations/index.js';

export interface TwoReplicas {
  replicaA: DataSource;
  replicaB: DataSource;
  close(): Promise<void>;
}

export async function openTwoReplicas(prefix: string, adminUrl: string): Promise<TwoReplicas> {
  const opened = await openServiceDatabase({ service: 'llm-gateway', prefix, adminUrl, migrations: [CreateOutbox1732579200000, ...LLM_GATEWAY_MIGRATIONS], poolSize: 8 });
  const replicaB = createServiceDataSource({ url: opened.runtimeUrl, entities: [], applicationName: 'gardien-llm-gateway-b', poolSize: 8 });
  await replicaB.initialize();
  return {
    replicaA: opened.runtime,
    replicaB,
    async close() {
      await opened.runtime.destroy();
      await replicaB.destroy();
    },
  };
}
