// A certificate authority of the deployment's own for the bus's mutual TLS, made with the
// machine's openssl (Debian package `openssl`): the CA, the nats-server's certificate (its DNS
// names and addresses as subject alternative names, extended key usage serverAuth) and one client
// certificate per bus user (CN = the user, clientAuth, which nats-server's `verify` demands).
// Like the nkey seeds, everything is created once and reused; a leaf is issued again only when it
// is missing, expires within 30 days, was not issued by the current CA, or (the server's) does not
// cover the names asked for. Private keys are made here (node:crypto, P-256) and written with mode
// 0600 before openssl sees them, so no key file ever exists with the umask's mode.
import { execFileSync } from 'node:child_process';
import { X509Certificate, createPrivateKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';

export interface CertificateFiles {
  certFile: string;
  keyFile: string;
}

export interface BusCertificates {
  caFile: string;
  /** The CA's private key: needed only to issue; keep it off the server once everything is issued. */
  caKeyFile: string;
  server: CertificateFiles;
  clients: Record<string, CertificateFiles>;
}

export interface BusCertificateRequest {
  directory: string;
  /** DNS names and IP addresses by which clients reach the server (the host of GARDIEN_NATS_URL). */
  serverNames: readonly string[];
  /** One client certificate each (bus users: `auth`, `edge-api`, …, `cli`). */
  clients: readonly string[];
  /** The CA's common name (a second, unrelated CA in tests). */
  caName?: string;
  openssl?: string;
}

const CA_DAYS = 3_650;
const LEAF_DAYS = 825;
const RENEW_BEFORE_MS = 30 * 86_400_000;
const DNS_NAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const CLIENT_NAME = /^[a-z][a-z0-9-]{0,62}$/;

export class BusCertificateError extends Error {
  override name = 'BusCertificateError';
}

/** True for what a server certificate may name: a DNS name or an IPv4/IPv6 address. */
export function isServerName(name: string): boolean {
  return isIP(name) !== 0 || DNS_NAME.test(name);
}

export function ensureBusCertificates(request: BusCertificateRequest): BusCertificates {
  const badServerName = request.serverNames.findIndex((name) => !isServerName(name));
  if (request.serverNames.length === 0 || badServerName >= 0) {
    throw new BusCertificateError(`server name ${badServerName + 1} is neither a DNS name nor an IP address`);
  }
  const badClient = request.clients.findIndex((name) => !CLIENT_NAME.test(name));
  if (badClient >= 0) throw new BusCertificateError(`client name ${badClient + 1} is not a bus user name`);
  const authority = new Authority(request.directory, request.openssl ?? 'openssl');
  const caFile = authority.ensureCa(request.caName ?? 'Gardien bus CA');
  const server = authority.ensureLeaf('nats-server', { commonName: 'nats-server', usage: 'serverAuth', altNames: request.serverNames });
  const clients = Object.fromEntries(request.clients.map((name) => [name, authority.ensureLeaf(name, { commonName: name, usage: 'clientAuth', altNames: [] })]));
  return { caFile, caKeyFile: authority.caKeyFile, server, clients };
}

interface LeafProfile {
  commonName: string;
  usage: 'serverAuth' | 'clientAuth';
  altNames: readonly string[];
}

class Authority {
  readonly caFile: string;
  readonly caKeyFile: string;

  constructor(
    private readonly directory: string,
    private readonly openssl: string,
  ) {
    mkdirSync(directory, { recursive: true, mode: 0o700 });
    this.caFile = join(directory, 'ca.pem');
    this.caKeyFile = join(directory, 'ca-key.pem');
  }

  ensureCa(commonName: string): string {
    if (existsSync(this.caFile)) return this.caFile;
    ensurePrivateKey(this.caKeyFile);
    const extensions = ['basicConstraints = critical, CA:TRUE, pathlen:0', 'keyUsage = critical, keyCertSign, cRLSign', 'subjectKeyIdentifier = hash'];
    this.withConfig(commonName, extensions, (config) =>
      this.writeAtomically(this.caFile, (out) =>
        this.run('create the CA', ['req', '-x509', '-new', '-config', config, '-extensions', 'ext', '-key', this.caKeyFile, '-days', String(CA_DAYS), '-sha256', '-set_serial', serial(), '-out', out]),
      ),
    );
    return this.caFile;
  }

  ensureLeaf(name: string, profile: LeafProfile): CertificateFiles {
    const files = { certFile: join(this.directory, `${name}.pem`), keyFile: join(this.directory, `${name}-key.pem`) };
    if (existsSync(files.certFile) && this.stillGood(files, profile)) return files;
    if (!existsSync(this.caKeyFile)) throw new BusCertificateError(`${name}.pem must be issued and the CA's key (ca-key.pem) is not in the directory`);
    ensurePrivateKey(files.keyFile);
    const altNames = profile.altNames.map((n) => (isIP(n) ? `IP:${n}` : `DNS:${n}`)).join(', ');
    const extensions = [
      'basicConstraints = critical, CA:FALSE',
      'keyUsage = critical, digitalSignature',
      `extendedKeyUsage = ${profile.usage}`,
      'subjectKeyIdentifier = hash',
      'authorityKeyIdentifier = keyid',
      ...(altNames ? [`subjectAltName = ${altNames}`] : []),
    ];
    this.withConfig(profile.commonName, extensions, (config, scratch) => {
      const csr = join(scratch, 'request.csr');
      this.run(`request ${name}.pem`, ['req', '-new', '-config', config, '-key', files.keyFile, '-out', csr]);
      this.writeAtomically(files.certFile, (out) =>
        this.run(`issue ${name}.pem`, ['x509', '-req', '-in', csr, '-CA', this.caFile, '-CAkey', this.caKeyFile, '-set_serial', serial(), '-days', String(LEAF_DAYS), '-sha256', '-extfile', config, '-extensions', 'ext', '-out', out]),
      );
    });
    return files;
  }

  /** An existing leaf is kept while it is valid for a month more, from this CA, for its key and names. */
  private stillGood(files: CertificateFiles, profile: LeafProfile): boolean {
    const certificate = new X509Certificate(readFileSync(files.certFile));
    const ca = new X509Certificate(readFileSync(this.caFile));
    if (!existsSync(files.keyFile) || !certificate.checkPrivateKey(createPrivateKey(readFileSync(files.keyFile)))) return false;
    if (!certificate.checkIssued(ca) || !certificate.verify(ca.publicKey)) return false;
    if (new Date(certificate.validTo).getTime() - Date.now() < RENEW_BEFORE_MS) return false;
    return profile.altNames.every((n) => (isIP(n) ? certificate.checkIP(n) : certificate.checkHost(n, { wildcards: false })) !== undefined);
  }

  /** An openssl configuration of our own (the system's openssl.cnf plays no part), in a private scratch directory. */
  private withConfig(commonName: string, extensions: string[], use: (config: string, scratch: string) => void): void {
    const scratch = join(this.directory, `.issuing-${randomBytes(6).toString('hex')}`);
    mkdirSync(scratch, { mode: 0o700 });
    try {
      const config = join(scratch, 'openssl.cnf');
      const lines = ['[req]', 'distinguished_name = dn', 'prompt = no', '[dn]', `CN = ${commonName}`, 'O = Gardien', '[ext]', ...extensions, ''];
      writeFileSync(config, lines.join('\n'), { mode: 0o600 });
      use(config, scratch);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }

  /** Written under a temporary name and renamed, so an interrupted run never leaves half a certificate. */
  private writeAtomically(file: string, produce: (temporary: string) => void): void {
    const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      produce(temporary);
      renameSync(temporary, file);
    } finally {
      rmSync(temporary, { force: true });
    }
  }

  private run(what: string, args: string[]): void {
    try {
      execFileSync(this.openssl, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new BusCertificateError('openssl is needed to make the bus certificates: install the package openssl');
      }
      const detail = String((error as { stderr?: Buffer }).stderr ?? '').split('\n')[0];
      throw new BusCertificateError(`openssl could not ${what}${detail ? `: ${detail}` : ''}`);
    }
  }
}

function ensurePrivateKey(file: string): void {
  if (existsSync(file)) return;
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
}

/** A random positive 127-bit serial number (RFC 5280: unique per CA, at most 20 octets). */
function serial(): string {
  const bytes = randomBytes(16);
  bytes[0] = bytes[0]! & 0x7f;
  return `0x${bytes.toString('hex')}`;
}
