// The audit service's data inventory. Its log holds what happened, by ids and codes only: the
// schema of an entry refuses free text, emails and names, so no table here holds personal data
// beyond the opaque ids of accounts, which lead to a person only through the services that hold
// that person's data (and lead nowhere once those have erased it). The platform adds its own tables.
import { declareDataInventory } from '@gardien/persistence';

export const AUDIT_INVENTORY = declareDataInventory({
  service: 'audit',
  processing: {},
  personalData: [],
  noPersonalData: [
    {
      table: 'audit_entries',
      reason:
        'what happened (action, outcome, time, the ids of the actor and the target, counts and codes): no name, email or text, by schema. Kept as the proof of accountability (art. 5(2)); append-only, never erased',
    },
    { table: 'audit_nodes', reason: 'hashes of the Merkle tree of each log: derived from entries, about no one' },
    { table: 'audit_tree_heads', reason: 'signed tree heads (size, root hash, time, key id): about no one' },
    { table: 'audit_signing_keys', reason: 'the keys that sign tree heads (private halves sealed by the key ring): about no one' },
  ],
});
