/**
 * The Secrets render reads, from the operand namespace's Secret cache: the user's external
 * database and broker Secrets, and the material we generate once (database credentials, the MQTT
 * CA and its leaves). Existing material is always reused, never regenerated; only a missing piece
 * is created (by the next apply of the rendered Secret).
 */
import type { MaestroSpec } from '../../api/maestro.js';
import type { Informer } from '../../runtime/index.js';
import type { HubCapabilities } from './capabilities.js';
import { decodeSecretData, type SecretObject } from './namespace-secrets.js';
import {
  apiServerHostnames,
  databaseServerHostnames,
  mqttExposure,
  mqttServerHostnames,
  names,
  type ExternalSecrets,
  type GeneratedMaterial,
} from './render/index.js';
import {
  ensureApiTlsMaterial,
  ensureDbCredentials,
  ensureDbTlsMaterial,
  ensureMqttTlsMaterial,
  GeneratedSecretError,
  TlsMaterialError,
} from '../../tls/index.js';

/** The decoded data of a Secret in the cache, or undefined. */
function secretData(secrets: Informer<SecretObject>, namespace: string, name: string) {
  return decodeSecretData(secrets.get(namespace, name));
}

/**
 * Material we generated, kept until the Secret cache shows it. Without it, a reconcile that starts
 * before the watch event of our new Secret arrives would generate a second password and overwrite
 * the first, which PostgreSQL may already have been initialised with.
 */
export class GeneratedMemo {
  private readonly byNamespace = new Map<string, Map<string, Record<string, string>>>();

  /** Cached data wins; the memo fills in what the cache does not show yet. */
  read(secrets: Informer<SecretObject>, namespace: string, name: string): Record<string, string> | undefined {
    const cached = secretData(secrets, namespace, name);
    if (cached) this.byNamespace.get(namespace)?.delete(name);
    return cached ?? this.byNamespace.get(namespace)?.get(name);
  }

  remember(namespace: string, name: string, data: Record<string, string>): void {
    let m = this.byNamespace.get(namespace);
    if (!m) this.byNamespace.set(namespace, (m = new Map()));
    m.set(name, data);
  }

  /** Forgets a namespace's material (its Secrets are being deleted). */
  forget(namespace: string): void {
    this.byNamespace.delete(namespace);
  }
}

/** The user's Secrets named by the spec (`null` where one is missing), for validation and render. */
export function externalSecrets(spec: MaestroSpec, secrets: Informer<SecretObject>): ExternalSecrets {
  const out: ExternalSecrets = {};
  const ns = spec.namespace;
  if (spec.database.type === 'External' && spec.database.external) {
    out.database = secretData(secrets, ns, spec.database.external.secretRef.name) ?? null;
  }
  if (spec.transport === 'mqtt' && spec.broker.type === 'External' && spec.broker.external) {
    out.broker = secretData(secrets, ns, spec.broker.external.secretRef.name) ?? null;
  }
  return out;
}

export type MaterialResult =
  | { ok: true; generated: GeneratedMaterial }
  /** Existing material we must not replace is unusable; a human has to look. */
  | { ok: false; message: string };

/** The embedded database's CA (kept forever) and serving certificate (reissued as needed). */
async function embeddedDatabaseTls(
  ns: string,
  read: (name: string) => Record<string, string> | undefined,
  memo: GeneratedMemo,
  now: Date,
): Promise<NonNullable<GeneratedMaterial['databaseTls']>> {
  const result = await ensureDbTlsMaterial(
    { ca: read(names.dbCaSecret), server: read(names.dbServerCertSecret) },
    databaseServerHostnames(ns),
    { now },
  );
  const { ca, server } = result.material;
  if (result.generated.ca) memo.remember(ns, names.dbCaSecret, { 'ca.crt': ca.cert, 'ca.key': ca.key });
  if (result.generated.server) {
    memo.remember(ns, names.dbServerCertSecret, { 'tls.crt': server.cert, 'tls.key': server.key });
  }
  return result.material;
}

/**
 * TLS of Maestro's REST and gRPC listeners: the CA (the gRPC client CA), the serving certificate
 * (on OpenShift only Maestro's own REST listener, behind its proxy, uses it: the service CA issues
 * what clients see) and the gRPC client certificate.
 */
async function apiTls(
  ns: string,
  read: (name: string) => Record<string, string> | undefined,
  memo: GeneratedMemo,
  now: Date,
): Promise<NonNullable<GeneratedMaterial['api']>> {
  const result = await ensureApiTlsMaterial(
    {
      ca: read(names.apiCaSecret),
      server: read(names.apiServerCertSecret),
      grpcClient: read(names.grpcClientCertSecret),
    },
    apiServerHostnames(ns),
    { now },
  );
  const { ca, server, grpcClient } = result.material;
  if (result.generated.ca) memo.remember(ns, names.apiCaSecret, { 'ca.crt': ca.cert, 'ca.key': ca.key });
  if (result.generated.server && server) {
    memo.remember(ns, names.apiServerCertSecret, { 'tls.crt': server.cert, 'tls.key': server.key });
  }
  if (result.generated.grpcClient) {
    memo.remember(ns, names.grpcClientCertSecret, { 'tls.crt': grpcClient.cert, 'tls.key': grpcClient.key });
  }
  return result.material;
}

/**
 * Generated material for `spec`: reused from the cached Secrets, created only where missing.
 * An unusable existing Secret is reported, never overwritten.
 */
export async function generatedMaterial(
  spec: MaestroSpec,
  secrets: Informer<SecretObject>,
  memo: GeneratedMemo,
  hub: HubCapabilities,
  now: Date,
): Promise<MaterialResult> {
  const ns = spec.namespace;
  const read = (name: string) => memo.read(secrets, ns, name);
  const generated: GeneratedMaterial = {};
  try {
    if (spec.database.type === 'Embedded') {
      const { credentials, generated: fresh } = ensureDbCredentials(read(names.dbSecret));
      if (fresh) memo.remember(ns, names.dbSecret, { ...credentials });
      generated.database = credentials;
      generated.databaseTls = await embeddedDatabaseTls(ns, read, memo, now);
    }
    generated.api = await apiTls(ns, read, memo, now);
    if (spec.transport === 'mqtt' && spec.broker.type === 'Embedded') {
      const exposure = mqttExposure({
        spec,
        capabilities: hub.capabilities,
        clusterIngressDomain: hub.ingressDomain,
      });
      const result = await ensureMqttTlsMaterial(
        {
          ca: read(names.mqttCaSecret),
          server: read(names.mqttServerCertSecret),
          maestroClient: read(names.maestroClientCertSecret),
        },
        mqttServerHostnames(ns, exposure.host),
        { now },
      );
      const { ca, server, maestroClient } = result.material;
      if (result.generated.ca) memo.remember(ns, names.mqttCaSecret, { 'ca.crt': ca.cert, 'ca.key': ca.key });
      if (result.generated.server) {
        memo.remember(ns, names.mqttServerCertSecret, { 'tls.crt': server.cert, 'tls.key': server.key });
      }
      if (result.generated.maestroClient) {
        memo.remember(ns, names.maestroClientCertSecret, {
          'tls.crt': maestroClient.cert,
          'tls.key': maestroClient.key,
        });
      }
      generated.mqtt = result.material;
    }
  } catch (err) {
    if (err instanceof GeneratedSecretError || err instanceof TlsMaterialError) {
      return {
        ok: false,
        message: `${err.message} (in namespace ${ns}; generated material is never replaced)`,
      };
    }
    throw err;
  }
  return { ok: true, generated };
}
