// The gateway's data inventory. Prompts, answers and the identifiers found in them live in memory
// for the time of one call and are never written; what the gateway keeps are counts, by tenant,
// API key, model and time. The platform adds its own tables.
import { declareDataInventory } from '@gardien/persistence';

export const LLM_GATEWAY_INVENTORY = declareDataInventory({
  service: 'llm-gateway',
  processing: {},
  personalData: [],
  noPersonalData: [
    { table: 'llm_quota_counters', reason: 'requests and tokens counted per tenant or API key and per minute or day: counts about no one, purged once their window has passed' },
    { table: 'llm_usage_daily', reason: 'requests and tokens per tenant, day, model and API key: counts about no one' },
  ],
});
