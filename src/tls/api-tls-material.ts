/**
 * TLS of Maestro's own listeners (REST 8000, gRPC 8090). Its own CA, not the MQTT one: MQTT agent
 * certificates (CN = cluster name) must not become gRPC client identities. The CA is generated
 * once and never replaced (it is the gRPC client CA, so client certificates chain to it); the
 * leaves are reissued when missing, expiring, or no longer matching:
 * - the serving certificate for the Service names, used where the OpenShift service CA does not
 *   issue one (off OpenShift);
 * - a client certificate for the gRPC source API (mutual TLS), identity `maestro-grpc-client` in
 *   group `maestro-grpc-clients` (Maestro takes the user from the CN and the groups from O).
 */
import { X509Certificate as X509 } from 'node:crypto';
import {
  API_CA_COMMON_NAME,
  GRPC_CLIENT_GROUP,
  GRPC_CLIENT_IDENTITY,
} from '../controllers/maestro/render/names.js';
import type { ApiTlsMaterial, TlsKeyPair } from '../controllers/maestro/render/types.js';
import {
  assertUsableCa,
  createCa,
  issueClientCertificate,
  issueServerCertificate,
  leafNeedsIssue,
  TlsMaterialError,
} from './certificates.js';
import type { TlsDeps } from './random.js';

/** Decoded data of the existing Secrets, `undefined` for a Secret that does not exist. */
export interface ExistingApiTlsSecrets {
  /** Secret maestro-api-ca: ca.crt, ca.key. */
  ca?: Readonly<Record<string, string>>;
  /** Secret maestro-api-tls: tls.crt, tls.key (off OpenShift). */
  server?: Readonly<Record<string, string>>;
  /** Secret maestro-grpc-client-certs: tls.crt, tls.key. */
  grpcClient?: Readonly<Record<string, string>>;
}

export interface ApiTlsMaterialResult {
  material: ApiTlsMaterial;
  generated: { ca: boolean; server: boolean; grpcClient: boolean };
}

function pairFrom(data: Readonly<Record<string, string>> | undefined) {
  return data ? { cert: data['tls.crt'], key: data['tls.key'] } : undefined;
}

function kept(pair: Partial<TlsKeyPair> | undefined): TlsKeyPair | undefined {
  return pair?.cert && pair.key ? { cert: pair.cert, key: pair.key } : undefined;
}

/**
 * The material for render. `serverHostnames` are the names the serving certificate carries
 * (`apiServerHostnames`), or `null` when the OpenShift service CA serves the listeners and no
 * serving leaf is issued. Throws `TlsMaterialError` when the CA Secret exists but is unusable.
 */
export async function ensureApiTlsMaterial(
  existing: ExistingApiTlsSecrets,
  serverHostnames: string[] | null,
  deps: TlsDeps,
): Promise<ApiTlsMaterialResult> {
  let ca: TlsKeyPair;
  let caGenerated = false;
  if (existing.ca === undefined) {
    ca = await createCa(deps, API_CA_COMMON_NAME);
    caGenerated = true;
  } else {
    const cert = existing.ca['ca.crt'];
    const key = existing.ca['ca.key'];
    if (!cert || !key) throw new TlsMaterialError('Secret maestro-api-ca exists but lacks ca.crt or ca.key');
    ca = { cert, key };
    assertUsableCa(ca);
  }

  let server: TlsKeyPair | undefined;
  let serverNeeded = false;
  if (serverHostnames) {
    const current = pairFrom(existing.server);
    serverNeeded = leafNeedsIssue(
      current,
      ca.cert,
      { commonName: serverHostnames[0] ?? '', dnsNames: serverHostnames },
      deps.now,
    );
    server = (!serverNeeded && kept(current)) || (await issueServerCertificate(ca, serverHostnames, deps));
  }

  const clientCurrent = pairFrom(existing.grpcClient);
  const clientNeeded =
    leafNeedsIssue(clientCurrent, ca.cert, { commonName: GRPC_CLIENT_IDENTITY }, deps.now) ||
    !(
      clientCurrent?.cert &&
      new X509(clientCurrent.cert).subject.split('\n').includes(`O=${GRPC_CLIENT_GROUP}`)
    );
  const grpcClient =
    (!clientNeeded && kept(clientCurrent)) ||
    (await issueClientCertificate(ca, GRPC_CLIENT_IDENTITY, deps, GRPC_CLIENT_GROUP));

  return {
    material: { ca, ...(server ? { server } : {}), grpcClient },
    generated: { ca: caGenerated, server: serverNeeded, grpcClient: clientNeeded },
  };
}
