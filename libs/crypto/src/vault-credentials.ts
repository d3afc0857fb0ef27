// How VaultTransitKms authenticates: a token (given, or read from a file such as a Docker secret),
// or AppRole with role_id and secret_id read from files. Secrets are read when first needed and
// again after Vault refuses a token (it may have expired or been rotated), never logged.
import { readFile } from 'node:fs/promises';
import { CryptoError, CryptoErrorCode } from './crypto.errors.js';
import { vaultAnswerOf } from './vault-transit-errors.js';

export type VaultAuth =
  | { readonly method: 'token'; readonly token: string }
  | { readonly method: 'token-file'; readonly tokenFile: string }
  | { readonly method: 'approle'; readonly roleIdFile: string; readonly secretIdFile: string; readonly mount?: string };

/** What the adapter needs from its Vault client to log in (node-vault's approleLogin). */
export interface AppRoleLogin {
  approleLogin(args: { role_id: string; secret_id: string; mount_point?: string }): Promise<unknown>;
}

/** A token for the client; the adapter asks again (re-reading files, logging in again) when Vault refuses it. */
export async function obtainToken(auth: VaultAuth, client: AppRoleLogin): Promise<string> {
  switch (auth.method) {
    case 'token':
      return auth.token;
    case 'token-file':
      return readSecretFile(auth.tokenFile, 'Vault token file');
    case 'approle': {
      const roleId = await readSecretFile(auth.roleIdFile, 'AppRole role_id file');
      const secretId = await readSecretFile(auth.secretIdFile, 'AppRole secret_id file');
      let answer: { auth?: { client_token?: unknown } };
      try {
        answer = (await client.approleLogin({ role_id: roleId, secret_id: secretId, ...(auth.mount ? { mount_point: auth.mount } : {}) })) as typeof answer;
      } catch (error) {
        const status = vaultAnswerOf(error)?.status;
        if (status === 400 || status === 403) throw new CryptoError(CryptoErrorCode.PermissionDenied, 'Vault refused the AppRole login');
        throw error;
      }
      const token = answer.auth?.client_token;
      if (typeof token !== 'string' || token === '') throw new CryptoError(CryptoErrorCode.KmsRejected, 'Vault AppRole login returned no token');
      return token;
    }
  }
}

async function readSecretFile(file: string, what: string): Promise<string> {
  try {
    const value = (await readFile(file, 'utf8')).trim();
    if (value !== '') return value;
  } catch {
    // reported below, without the reason (which could quote the file)
  }
  throw new CryptoError(CryptoErrorCode.PermissionDenied, `${what} ${file} is missing or empty`, { file });
}
