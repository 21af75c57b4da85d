/**
 * The resolved view of the inputs every render file reads, built once per render after
 * validation: namespace, replicas, images, database connection, exposures.
 */
import type { MaestroSpec } from '../../../api/maestro.js';
import {
  type DatabaseConnection,
  type ExternalBroker,
  parseExternalBroker,
  parseExternalDatabase,
} from './external-secrets.js';
import {
  EMBEDDED_DB_NAME,
  EMBEDDED_DB_ROOTCERT_KEY,
  EMBEDDED_DB_USER,
  GRPC_SERVER_ROUTE,
  names,
  OCM_HUB_NAMESPACE,
  ports,
} from './names.js';
import { effectiveImages, resolveExposure, type ResolvedExposure, serverReplicas } from './settings.js';
import type { DbCredentials, FieldError, OperandImages, RenderInput } from './types.js';
import { formatFieldError, validateMaestroSettings } from './validate.js';

/** Thrown by render when the settings do not validate; carries the field errors. */
export class InvalidMaestroSettingsError extends Error {
  constructor(readonly errors: FieldError[]) {
    super(errors.map(formatFieldError).join('; '));
    this.name = 'InvalidMaestroSettingsError';
  }
}

export interface RenderContext {
  input: RenderInput;
  spec: MaestroSpec;
  namespace: string;
  replicas: number;
  images: OperandImages;
  database: DatabaseConnection;
  /** Set in grpc mode. */
  grpcExposure?: ResolvedExposure;
  /** Set in mqtt mode with the embedded broker. */
  mqttExposure?: ResolvedExposure;
  /** Set in mqtt mode with an external broker. */
  externalBroker?: ExternalBroker;
}

/**
 * Connection of the embedded database: MCE's Secret layout and host (`maestro-db.<namespace>`),
 * over TLS checked against our database CA (`ca.crt` in the same Secret).
 */
export function embeddedDatabaseConnection(
  namespace: string,
  creds: DbCredentials,
  caCert: string,
): DatabaseConnection {
  return {
    secretName: names.dbSecret,
    keys: { host: 'host', port: 'port', user: 'user', password: 'password', name: 'name' },
    rootCertKey: EMBEDDED_DB_ROOTCERT_KEY,
    rootCert: caCert,
    sslmode: 'verify-full',
    host: `${names.dbService}.${namespace}`,
    port: ports.postgresql,
    user: creds.user,
    password: creds.password,
    name: creds.name,
  };
}

/** The default embedded database identity when no Secret exists yet. */
export const EMBEDDED_DB_DEFAULTS = { user: EMBEDDED_DB_USER, name: EMBEDDED_DB_NAME } as const;

/**
 * Validates and resolves the inputs. Throws `InvalidMaestroSettingsError` for bad settings and a
 * plain Error when generated material the controller should have supplied is missing.
 */
export function buildContext(input: RenderInput): RenderContext {
  const errors = validateMaestroSettings(input);
  if (errors.length > 0) throw new InvalidMaestroSettingsError(errors);
  const { spec } = input;
  const namespace = spec.namespace;

  let database: DatabaseConnection;
  if (spec.database.type === 'External' && spec.database.external) {
    const parsed = parseExternalDatabase(
      'spec.database.external.secretRef.name',
      spec.database.external.secretRef.name,
      input.external.database ?? null,
    );
    if (!parsed.ok) throw new InvalidMaestroSettingsError(parsed.errors);
    database = parsed.value;
  } else {
    if (!input.generated.database)
      throw new Error('embedded database credentials were not supplied to render');
    if (!input.generated.databaseTls)
      throw new Error('embedded database TLS material was not supplied to render');
    database = embeddedDatabaseConnection(
      namespace,
      input.generated.database,
      input.generated.databaseTls.ca.cert,
    );
  }

  const ctx: RenderContext = {
    input,
    spec,
    namespace,
    replicas: serverReplicas(spec, input.mce),
    images: effectiveImages(input),
    database,
  };
  if (spec.transport === 'grpc') {
    ctx.grpcExposure = resolveExposure(
      spec.grpcServer,
      { name: GRPC_SERVER_ROUTE, namespace: OCM_HUB_NAMESPACE },
      input.capabilities,
      input.clusterIngressDomain,
    );
  } else if (spec.broker.type === 'External' && spec.broker.external) {
    const parsed = parseExternalBroker(
      'spec.broker.external.secretRef.name',
      spec.broker.external.secretRef.name,
      input.external.broker ?? null,
    );
    if (!parsed.ok) throw new InvalidMaestroSettingsError(parsed.errors);
    ctx.externalBroker = parsed.value;
  } else {
    if (!input.generated.mqtt) throw new Error('MQTT TLS material was not supplied to render');
    ctx.mqttExposure = mqttExposure(input);
  }
  return ctx;
}

/** The embedded broker's exposure; also used to know which host names its certificate needs. */
export function mqttExposure(
  input: Pick<RenderInput, 'spec' | 'capabilities' | 'clusterIngressDomain'>,
): ResolvedExposure {
  return resolveExposure(
    input.spec.broker.embedded,
    { name: names.mqttRoute, namespace: input.spec.namespace },
    input.capabilities,
    input.clusterIngressDomain,
  );
}

/** Image in effect, asserted present (validation guarantees it). */
export function requireImage(ctx: RenderContext, key: keyof OperandImages): string {
  const image = ctx.images[key];
  if (!image) throw new InvalidMaestroSettingsError([{ field: `spec.images.${key}`, message: 'no image' }]);
  return image;
}
