/**
 * TLS of the embedded PostgreSQL. Its own CA (not the MQTT one: grpc mode has no MQTT CA, and a
 * database CA that signs no client certificates can't let anyone into the broker) is generated
 * once and never replaced, since Maestro and the conductor trust it; PostgreSQL's serving
 * certificate is reissued from it when missing, expiring, or no longer matching its host names.
 */
import type { DbTlsMaterial, TlsKeyPair } from '../controllers/maestro/render/types.js';
import {
  assertUsableCa,
  createCa,
  issueServerCertificate,
  leafNeedsIssue,
  TlsMaterialError,
} from './certificates.js';
import type { TlsDeps } from './random.js';

export const DB_CA_COMMON_NAME = 'mce-maestro-operator database CA';

/** Decoded data of the existing Secrets, `undefined` for a Secret that does not exist. */
export interface ExistingDbTlsSecrets {
  /** Secret maestro-db-ca: ca.crt, ca.key. */
  ca?: Readonly<Record<string, string>>;
  /** Secret maestro-db-tls: tls.crt, tls.key. */
  server?: Readonly<Record<string, string>>;
}

export interface DbTlsMaterialResult {
  material: DbTlsMaterial;
  generated: { ca: boolean; server: boolean };
}

/**
 * The material for render, generating only what is missing or must be reissued. `hostnames` are
 * the names clients verify (`databaseServerHostnames`). Throws `TlsMaterialError` when the CA
 * Secret exists but is unusable: a human decides, as for the MQTT CA.
 */
export async function ensureDbTlsMaterial(
  existing: ExistingDbTlsSecrets,
  hostnames: string[],
  deps: TlsDeps,
): Promise<DbTlsMaterialResult> {
  let ca: TlsKeyPair;
  let caGenerated = false;
  if (existing.ca === undefined) {
    ca = await createCa(deps, DB_CA_COMMON_NAME);
    caGenerated = true;
  } else {
    const cert = existing.ca['ca.crt'];
    const key = existing.ca['ca.key'];
    if (!cert || !key) throw new TlsMaterialError('Secret maestro-db-ca exists but lacks ca.crt or ca.key');
    ca = { cert, key };
    assertUsableCa(ca);
  }
  const current = existing.server
    ? { cert: existing.server['tls.crt'], key: existing.server['tls.key'] }
    : undefined;
  const needed = leafNeedsIssue(
    current,
    ca.cert,
    { commonName: hostnames[0] ?? '', dnsNames: hostnames },
    deps.now,
  );
  const server =
    needed || !current?.cert || !current.key
      ? await issueServerCertificate(ca, hostnames, deps)
      : { cert: current.cert, key: current.key };
  return { material: { ca, server }, generated: { ca: caGenerated, server: needed } };
}
