// What a supervisor (`gardien start`, `gardien provision`, the test harness) passes on from its
// own environment to the processes it starts: everything except credentials and the locations of
// per-process keys. Each process is then given its own, and only its own: a service that inherited
// the operator's administrator URL, another process's nkey, TLS key or Vault credentials (its own or
// the Vault CLI's), or the libpq variables (PGPASSWORD..., which node-postgres reads) would hold more than it needs.
const PER_PROCESS = [
  /^GARDIEN_DATABASE_/,
  /^GARDIEN_MAINTENANCE_DATABASE_/,
  /^GARDIEN_DB_ROLE_SECRET/,
  /^GARDIEN_TEST_DATABASE_URL/,
  /^GARDIEN_MASTER_KEY/,
  /^GARDIEN_DATA_DIR/,
  /^GARDIEN_NATS_(NKEY_SEED|USER|PASSWORD)/,
  /^GARDIEN_NATS_TLS_(CERT|KEY)/,
  /^GARDIEN_VAULT_(TOKEN|ROLE_ID|SECRET_ID)/,
  /^GARDIEN_BOOTSTRAP_PASSWORD/,
  /^PG[A-Z]+$/,
  // The Vault CLI's variables (VAULT_TOKEN, VAULT_SKIP_VERIFY...): no process of the platform reads
  // them, and none should inherit the operator's Vault session.
  /^VAULT_/,
];

export function sharedEnvironment(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined && !PER_PROCESS.some((pattern) => pattern.test(entry[0]))),
  );
}
