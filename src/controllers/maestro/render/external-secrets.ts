/**
 * Reading the Secrets a user provides for an external database or broker. Each parser returns the
 * values render needs or field-named errors; nothing here throws on bad input, and no error quotes
 * a value from the Secret (errors go to status, Events and logs; a value may be a credential).
 */
import { parse as parseYaml, stringify as stringifyYaml, YAMLError } from 'yaml';
import { MAESTRO_SOURCE_ID, SHARED_SUBSCRIPTION_GROUP } from './names.js';
import type { FieldError, SecretData } from './types.js';

/** Where the connection settings live and what they are, for flags and grpc-server-config. */
export interface DatabaseConnection {
  /** Secret mounted at /secrets/rds. */
  secretName: string;
  /** Key names inside that Secret (MCE's Secret has no `db.` prefix; the upstream chart's does). */
  keys: { host: string; port: string; user: string; password: string; name: string };
  /** Key of the PEM root certificate, when TLS to the database is on. */
  rootCertKey?: string;
  /** The PEM root certificate itself (public), for the conductor, which can't mount our Secret. */
  rootCert?: string;
  sslmode: 'disable' | 'require' | 'verify-ca' | 'verify-full';
  host: string;
  port: number;
  user: string;
  password: string;
  name: string;
}

const SSL_MODES = ['disable', 'require', 'verify-ca', 'verify-full'] as const;
const DB_KEYS = ['db.host', 'db.port', 'db.user', 'db.password', 'db.name'] as const;

type Parsed<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

/** sslmode when the Secret has no `db.sslmode`: TLS with the server's name checked. */
export const DEFAULT_EXTERNAL_SSLMODE = 'verify-full';

/**
 * Parses an external database Secret (keys as in maestro `charts/maestro-server` plus
 * `db.sslmode`, `db.rootcert`). Without `db.sslmode` the connection is `verify-full`: a
 * plaintext connection carries the password and every ManifestWork, so only an explicit
 * `db.sslmode: disable` turns TLS off. With TLS on, `db.rootcert` is required: Maestro always
 * passes `sslrootcert` when sslmode is not disable (pkg/config/db.go `ConnectionStringWithName`,
 * pkg/db/db_session/default.go), and pgx fails on a missing file.
 */
export function parseExternalDatabase(
  field: string,
  secretName: string,
  data: SecretData,
): Parsed<DatabaseConnection> {
  if (data === null) return fail(field, `secret "${secretName}" not found`);
  const errors: FieldError[] = [];
  for (const key of DB_KEYS) {
    if (!data[key]?.trim()) errors.push({ field, message: `secret "${secretName}" lacks key ${key}` });
  }
  const port = Number(data['db.port']);
  if (data['db.port']?.trim() && !(Number.isInteger(port) && port >= 1 && port <= 65535)) {
    errors.push({
      field,
      message: `secret "${secretName}" key db.port must be a port number`,
    });
  }
  // Maestro quotes the password into its LISTEN connection string as password='%s' without
  // escaping (pkg/db/db_session/default.go), so a quote or backslash breaks status events while
  // the server still reports healthy. Refuse them up front.
  if (/['\\]/.test(data['db.password'] ?? '')) {
    errors.push({
      field,
      message: `secret "${secretName}" key db.password must not contain ' or \\ (Maestro does not escape them in its connection string)`,
    });
  }
  const explicitMode = data['db.sslmode']?.trim();
  const rawMode = explicitMode || DEFAULT_EXTERNAL_SSLMODE;
  const sslmode = SSL_MODES.find((m) => m === rawMode);
  if (!sslmode) {
    errors.push({
      field,
      message: `secret "${secretName}" key db.sslmode must be one of ${SSL_MODES.join(', ')}`,
    });
  } else if (sslmode !== 'disable' && !data['db.rootcert']?.trim()) {
    errors.push({
      field,
      message: explicitMode
        ? `secret "${secretName}" sets db.sslmode=${sslmode} but lacks key db.rootcert; add key db.rootcert ` +
          `(the PEM CA certificate of the database server) or set db.sslmode=disable explicitly`
        : `secret "${secretName}" lacks key db.rootcert, needed for the default db.sslmode=` +
          `${DEFAULT_EXTERNAL_SSLMODE}; add key db.rootcert (the PEM CA certificate of the database ` +
          `server) or set db.sslmode=disable explicitly to connect without TLS`,
    });
  }
  if (errors.length > 0 || !sslmode) return { ok: false, errors };
  return {
    ok: true,
    value: {
      secretName,
      keys: { host: 'db.host', port: 'db.port', user: 'db.user', password: 'db.password', name: 'db.name' },
      ...(sslmode !== 'disable' ? { rootCertKey: 'db.rootcert', rootCert: data['db.rootcert'] } : {}),
      sslmode,
      host: (data['db.host'] ?? '').trim(),
      port,
      user: (data['db.user'] ?? '').trim(),
      password: data['db.password'] ?? '',
      name: (data['db.name'] ?? '').trim(),
    },
  };
}

// sdk-go pkg/cloudevents/generic/types/types.go MQTTSourceEventsTopicPattern / MQTTAgentEventsTopicPattern.
const TOPIC = (suffix: string) =>
  new RegExp(`^(\\$share/[a-z0-9-]+/)?([a-z]+)/([a-z0-9-]+|\\+)/([a-z]+)/([a-z0-9-]+|\\+)/${suffix}$`);
const SOURCE_EVENTS = TOPIC('sourceevents');
const AGENT_EVENTS = TOPIC('agentevents');

/** Maestro's server-side topics (maestro.md §4; charts/maestro-server values). */
export function serverTopics(shared: boolean): { sourceEvents: string; agentEvents: string } {
  const agentEvents = `sources/${MAESTRO_SOURCE_ID}/consumers/+/agentevents`;
  return {
    sourceEvents: `sources/${MAESTRO_SOURCE_ID}/consumers/+/sourceevents`,
    agentEvents: shared ? `$share/${SHARED_SUBSCRIPTION_GROUP}/${agentEvents}` : agentEvents,
  };
}

/** An external broker config: the parsed document and the broker address. */
export interface ExternalBroker {
  config: Record<string, unknown>;
  brokerHost: string;
}

/**
 * Parses the `config.yaml` of an external broker Secret (sdk-go `MQTTConfig`): brokerHost is
 * required, and both topics must match sdk-go's patterns with `+` for the consumer, since the
 * server serves all consumers.
 */
export function parseExternalBroker(
  field: string,
  secretName: string,
  data: SecretData,
): Parsed<ExternalBroker> {
  if (data === null) return fail(field, `secret "${secretName}" not found`);
  const text = data['config.yaml'];
  if (!text?.trim()) return fail(field, `secret "${secretName}" lacks key config.yaml`);
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    return fail(field, `secret "${secretName}" key config.yaml is not YAML (${yamlErrorPlace(err)})`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    return fail(field, `secret "${secretName}" key config.yaml must be a mapping`);
  }
  const config = doc as Record<string, unknown>;
  const errors: FieldError[] = [];
  const brokerHost = config.brokerHost;
  if (typeof brokerHost !== 'string' || !brokerHost.trim()) {
    errors.push({ field, message: `secret "${secretName}" config.yaml lacks brokerHost` });
  }
  const topics = (typeof config.topics === 'object' && config.topics !== null ? config.topics : {}) as Record<
    string,
    unknown
  >;
  for (const [name, pattern] of [
    ['sourceEvents', SOURCE_EVENTS],
    ['agentEvents', AGENT_EVENTS],
  ] as const) {
    const topic = topics[name];
    const m = typeof topic === 'string' ? pattern.exec(topic) : null;
    if (!m) {
      errors.push({
        field,
        message: `secret "${secretName}" config.yaml topics.${name} is missing or invalid`,
      });
    } else if (m[5] !== '+') {
      errors.push({
        field,
        message: `secret "${secretName}" config.yaml topics.${name} must use + for the consumer`,
      });
    }
  }
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, value: { config, brokerHost: String(brokerHost) } };
}

/**
 * The external config as Maestro should read it: with several replicas, agent events use a shared
 * subscription so each status event is handled once (`--subscription-type=shared`).
 */
export function externalBrokerConfigYaml(broker: ExternalBroker, shared: boolean): string {
  const topics = { ...(broker.config.topics as Record<string, string>) };
  if (shared && !topics.agentEvents?.startsWith('$share/')) {
    topics.agentEvents = `$share/${SHARED_SUBSCRIPTION_GROUP}/${topics.agentEvents}`;
  }
  return stringifyYaml({ ...broker.config, topics });
}

/**
 * Where a YAML document is broken, without its text: the parser's message quotes the offending
 * lines, and a Secret's lines are credentials. The code and position are enough to find it.
 */
function yamlErrorPlace(err: unknown): string {
  if (err instanceof YAMLError) {
    const at = err.linePos?.[0];
    return at ? `${err.code} at line ${at.line}, column ${at.col}` : err.code;
  }
  return 'unreadable';
}

function fail<T>(field: string, message: string): Parsed<T> {
  return { ok: false, errors: [{ field, message }] };
}
