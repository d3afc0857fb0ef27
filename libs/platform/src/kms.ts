// The KMS of a service, as configured: the embedded keystore (one file per service, sealed by the
// master key; the file is never generated here, `gardien start` does that in development only)
// or Vault Transit (token or AppRole from files; one Transit key per service and tenant, and in
// Vault one policy per service).
import { resolve } from 'node:path';
import { LocalKms, VaultTransitKms, type Kms, type VaultAuth } from '@gardien/crypto';
import type { ServiceConfig } from '@gardien/bootstrap';

export async function openKms(config: ServiceConfig, service: string): Promise<Kms> {
  if (config.GARDIEN_KMS === 'vault') {
    return new VaultTransitKms({
      endpoint: config.GARDIEN_VAULT_ADDR!,
      auth: vaultAuth(config),
      mount: config.GARDIEN_VAULT_MOUNT,
      ...(config.GARDIEN_VAULT_NAMESPACE ? { namespace: config.GARDIEN_VAULT_NAMESPACE } : {}),
    });
  }
  return LocalKms.open({
    service,
    dataDir: resolve(config.GARDIEN_DATA_DIR),
    masterKeyFile: resolve(config.GARDIEN_MASTER_KEY_FILE!),
    generateMasterKeyIfMissing: false,
  });
}

function vaultAuth(config: ServiceConfig): VaultAuth {
  if (config.GARDIEN_VAULT_ROLE_ID_FILE && config.GARDIEN_VAULT_SECRET_ID_FILE) {
    return { method: 'approle', roleIdFile: config.GARDIEN_VAULT_ROLE_ID_FILE, secretIdFile: config.GARDIEN_VAULT_SECRET_ID_FILE };
  }
  return { method: 'token', token: config.GARDIEN_VAULT_TOKEN! };
}
