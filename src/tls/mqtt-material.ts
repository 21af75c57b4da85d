/**
 * The MQTT TLS material render needs, from what already exists. The CA is generated once and never
 * replaced (agents' certificates chain to it); leaves are reissued from it when missing, expiring,
 * or no longer matching (e.g. a new Route host).
 */
import { MQTT_SERVER_IDENTITY } from '../controllers/maestro/render/names.js';
import type { MqttTlsMaterial, TlsKeyPair } from '../controllers/maestro/render/types.js';
import {
  AGENT_CERT_VALIDITY_DAYS,
  assertUsableCa,
  createCa,
  issueClientCertificate,
  issueClientCertificateValidFor,
  issueServerCertificate,
  leafNeedsIssue,
  TlsMaterialError,
} from './certificates.js';
import type { TlsDeps } from './random.js';

/** Decoded data of the existing Secrets, `undefined` for a Secret that does not exist. */
export interface ExistingMqttSecrets {
  /** Secret maestro-mqtt-ca: ca.crt, ca.key. */
  ca?: Readonly<Record<string, string>>;
  /** Secret maestro-mqtt-certs: tls.crt, tls.key. */
  server?: Readonly<Record<string, string>>;
  /** Secret maestro-server-certs: tls.crt, tls.key. */
  maestroClient?: Readonly<Record<string, string>>;
}

export interface MqttMaterialResult {
  material: MqttTlsMaterial;
  /** Which pieces were newly generated (the others are the existing values, unchanged). */
  generated: { ca: boolean; server: boolean; maestroClient: boolean };
}

function pairFrom(data: Readonly<Record<string, string>> | undefined, cert: string, key: string) {
  return data ? { cert: data[cert], key: data[key] } : undefined;
}

/**
 * Returns the material for render, generating only what is missing or must be reissued.
 * `serverHostnames` are the DNS names Mosquitto's certificate must carry (`mqttServerHostnames`).
 * Throws `TlsMaterialError` when the CA Secret exists but is unusable: replacing it would orphan
 * every agent certificate, so a human decides.
 */
export async function ensureMqttTlsMaterial(
  existing: ExistingMqttSecrets,
  serverHostnames: string[],
  deps: TlsDeps,
): Promise<MqttMaterialResult> {
  let ca: TlsKeyPair;
  let caGenerated = false;
  if (existing.ca === undefined) {
    ca = await createCa(deps);
    caGenerated = true;
  } else {
    const cert = existing.ca['ca.crt'];
    const key = existing.ca['ca.key'];
    if (!cert || !key) throw new TlsMaterialError('Secret maestro-mqtt-ca exists but lacks ca.crt or ca.key');
    ca = { cert, key };
    assertUsableCa(ca);
  }

  const serverExisting = pairFrom(existing.server, 'tls.crt', 'tls.key');
  const serverNeeded = leafNeedsIssue(
    serverExisting,
    ca.cert,
    { commonName: serverHostnames[0] ?? '', dnsNames: serverHostnames },
    deps.now,
  );
  const server =
    serverNeeded || !serverExisting?.cert || !serverExisting.key
      ? await issueServerCertificate(ca, serverHostnames, deps)
      : { cert: serverExisting.cert, key: serverExisting.key };

  const clientExisting = pairFrom(existing.maestroClient, 'tls.crt', 'tls.key');
  const clientNeeded = leafNeedsIssue(
    clientExisting,
    ca.cert,
    { commonName: MQTT_SERVER_IDENTITY },
    deps.now,
  );
  const maestroClient =
    clientNeeded || !clientExisting?.cert || !clientExisting.key
      ? await issueClientCertificate(ca, MQTT_SERVER_IDENTITY, deps)
      : { cert: clientExisting.cert, key: clientExisting.key };

  return {
    material: { ca, server, maestroClient },
    generated: { ca: caGenerated, server: serverNeeded, maestroClient: clientNeeded },
  };
}

const CLUSTER_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * A client certificate for a managed cluster's agent, valid `AGENT_CERT_VALIDITY_DAYS` (it is
 * renewed, and expiry is what takes a departed cluster off the broker), CN = cluster name, so the ACL's `%u`
 * patterns confine it to `sources/maestro/consumers/<cluster>/…`. Refuses the server's own
 * identity (a cluster named `maestro` would otherwise get the server's rights) and names that
 * are not DNS labels (Mosquitto won't substitute `%u` containing `/`, `+` or `#`).
 */
export async function issueMqttClientCertificate(
  ca: TlsKeyPair,
  clusterName: string,
  deps: TlsDeps,
): Promise<TlsKeyPair> {
  if (clusterName === MQTT_SERVER_IDENTITY) {
    throw new TlsMaterialError(`cluster name "${clusterName}" is the Maestro server's MQTT identity`);
  }
  if (clusterName.length > 63 || !CLUSTER_NAME.test(clusterName)) {
    throw new TlsMaterialError(`cluster name "${clusterName}" is not a DNS label`);
  }
  assertUsableCa(ca);
  return issueClientCertificateValidFor(ca, clusterName, deps, AGENT_CERT_VALIDITY_DAYS);
}
