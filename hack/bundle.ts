/**
 * `make bundle`: the OLM bundle (`olm-bundle/`, registry+v1) from `config/` and the CRDs:
 * the ClusterServiceVersion (install strategy from config/manager and config/rbac, owned CRDs with
 * descriptors from their schemas, alm-examples from config/samples, relatedImages from the
 * Deployment), the CRDs, the metrics Service, ServiceMonitor and PrometheusRule, the console Service
 * of config/console (with the port, certificate mount and cert dir that component gives the
 * Deployment), the metadata annotations and bundle.Dockerfile. Deterministic: the only date is the release date recorded
 * below for the package.json version.
 *
 *   node --import tsx hack/bundle.ts        (after hack/manifests.ts; `make bundle` runs both)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import {
  AGENT_ROLLOUT_MEMBERSHIP_API_VERSION,
  AGENT_ROLLOUT_MEMBERSHIP_KIND,
} from '../src/api/agentrollout-membership.js';
import type { CustomResourceDefinition, JsonSchemaProps } from '../src/api/openapi.js';
import { OPERATOR_NETWORK_POLICY_NAME } from '../src/api/operator-network-policy.js';
import {
  crdFileName,
  generateManifests,
  isMain,
  OPERATOR_NAME,
  OPERATOR_NAMESPACE,
  allCrds,
  ownCrds,
  REPO_ROOT,
  writeGenerated,
  yamlDocument,
  yamlFile,
  type GeneratedFiles,
} from './manifests.js';

/** The package name, channel and the release date of each version (CSV `createdAt`). */
export const PACKAGE = 'mce-maestro-operator';
export const CHANNEL = 'candidate';
export const RELEASE_DATES: Readonly<Record<string, string>> = { '0.1.0': '2026-01-15T00:00:00Z' };
/** Kubernetes 1.29: CRD validation rules (CEL) with `reason` and `fieldPath` are GA. */
export const MIN_KUBE_VERSION = '1.29.0';
/** OpenShift versions the bundle is offered on (OpenShift 4.16 is Kubernetes 1.29). */
export const OPENSHIFT_VERSIONS = 'v4.16';

const MEDIA_ANNOTATIONS = {
  'operators.operatorframework.io.bundle.mediatype.v1': 'registry+v1',
  'operators.operatorframework.io.bundle.manifests.v1': 'manifests/',
  'operators.operatorframework.io.bundle.metadata.v1': 'metadata/',
  'operators.operatorframework.io.bundle.package.v1': PACKAGE,
  'operators.operatorframework.io.bundle.channels.v1': CHANNEL,
  'operators.operatorframework.io.bundle.channel.default.v1': CHANNEL,
};

const DESCRIPTION = `Runs [Maestro](https://github.com/openshift-online/maestro) on a multicluster engine (MCE) hub
behind an MCE component toggle, and rolls klusterlet versions, add-on versions and the agents' transport
across the clusters of a Placement, wave by wave.

**Maestro behind an MCE feature flag.** Enable the \`maestro\` component of the MultiClusterEngine and the
operator installs the Maestro server with its PostgreSQL database (or uses yours) and, for MQTT, a Mosquitto
broker; it wires the OCM cluster-manager gRPC server, reports health on the MultiClusterEngine and on its own
\`Maestro\` resource, and moves the fleet to the chosen transport through a progressive rollout. Turning it off
removes it cleanly and keeps the data.

**Agent and add-on lifecycle.** An \`AgentRollout\` rolls a klusterlet version, an add-on version or the
transport across a Placement's clusters with OCM's rollout strategies plus maintenance windows, freeze periods,
failure budgets, pause, approval gates and rollback, with status, metrics and alerts.

### After installing

OLM can only grant permissions in the namespace it installs into. Apply the operator's Roles in the hub
namespaces it writes to (the operand namespace \`maestro\`, \`open-cluster-management-hub\` and
\`multicluster-engine\`), and the binding that lets the Maestro server review its callers (TokenReview,
SubjectAccessReview), from the repository: \`oc apply -k config/rbac/hub-namespaces\`. Install into
namespace \`${OPERATOR_NAMESPACE}\` (the subject of those bindings).

Then turn Maestro on:

\`\`\`
oc patch mce multiclusterengine --type=merge -p '{"spec":{"overrides":{"components":[{"name":"maestro","enabled":true}]}}}'
\`\`\``;

/** A small icon: a conductor's baton over a stave (SVG). */
const ICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="12" fill="#1f3b57"/>' +
  '<g stroke="#cfe3f5" stroke-width="2">' +
  [20, 28, 36, 44].map((y) => `<line x1="8" y1="${y}" x2="56" y2="${y}"/>`).join('') +
  '</g><line x1="14" y1="52" x2="50" y2="12" stroke="#f5b942" stroke-width="4" stroke-linecap="round"/>' +
  '<circle cx="14" cy="52" r="4" fill="#f5b942"/></svg>';

type Json = Record<string, unknown>;
/** Reads a repository file; `make bundle` reads the disk, the staleness test overlays generated files. */
export type ReadFile = (path: string) => string;
interface KubeObj extends Json {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
}

function isObj(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Every object of every YAML file a kustomization lists (recursively), in order. */
export function kustomizeResources(dir: string, read: ReadFile): KubeObj[] {
  const parse = (path: string): Json[] =>
    parseAllDocuments(read(path))
      .map((d) => d.toJS() as unknown)
      .filter(isObj);
  const kustomization = parse(`${dir}/kustomization.yaml`)[0];
  const resources = (kustomization?.resources as string[] | undefined) ?? [];
  const out: KubeObj[] = [];
  for (const r of resources) {
    const path = `${dir}/${r}`;
    if (!r.endsWith('.yaml')) {
      out.push(...kustomizeResources(path, read));
      continue;
    }
    for (const o of parse(path)) {
      if (typeof o.kind === 'string' && typeof o.apiVersion === 'string') out.push(o as KubeObj);
    }
  }
  return out;
}

function one<T extends KubeObj>(objs: KubeObj[], kind: string, what: string): T {
  const found = objs.filter((o) => o.kind === kind);
  if (found.length !== 1) throw new Error(`${what}: expected one ${kind}, found ${found.length}`);
  return found[0] as T;
}

interface Deployment extends KubeObj {
  spec: {
    template: {
      spec: {
        serviceAccountName: string;
        containers: { name: string; image: string; env?: { name: string; value?: string }[] }[];
      };
    };
  } & Json;
}

const title = (s: string) =>
  s
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/^./, (c) => c.toUpperCase())
    .replace(/\bApi\b/, 'API')
    .replace(/\bRest\b/, 'REST');
const firstSentence = (s: string | undefined) => {
  const text = (s ?? '').trim();
  const m = /^(.+?\.)(\s|$)/.exec(text);
  return m?.[1] ?? text;
};

/** x-descriptors for a field the console shows, by its schema. */
function specXDescriptors(schema: JsonSchemaProps, group?: string): string[] {
  const out: string[] = [];
  if (group) out.push(`urn:alm:descriptor:com.tectonic.ui:fieldGroup:${group}`);
  if (schema.type === 'boolean') out.push('urn:alm:descriptor:com.tectonic.ui:booleanSwitch');
  else if (schema.enum?.every((v) => typeof v === 'string'))
    out.push(...(schema.enum as string[]).map((v) => `urn:alm:descriptor:com.tectonic.ui:select:${v}`));
  else if (schema.type === 'integer' || schema.type === 'number')
    out.push('urn:alm:descriptor:com.tectonic.ui:number');
  else if (schema.type === 'string' || schema['x-kubernetes-int-or-string'])
    out.push('urn:alm:descriptor:com.tectonic.ui:text');
  else if ((schema.type === 'object' || schema.type === 'array') && !group)
    out.push('urn:alm:descriptor:com.tectonic.ui:advanced');
  return out;
}

/**
 * Spec descriptors: every top-level spec field, and the scalar fields one level down in a field
 * group of their parent.
 */
function specDescriptors(spec: JsonSchemaProps): Json[] {
  const out: Json[] = [];
  for (const [name, schema] of Object.entries(spec.properties ?? {})) {
    out.push({
      path: name,
      displayName: title(name),
      description: firstSentence(schema.description),
      'x-descriptors': specXDescriptors(schema),
    });
    for (const [child, cs] of Object.entries(schema.properties ?? {})) {
      if (cs.type === 'object' || cs.type === 'array') continue;
      out.push({
        path: `${name}.${child}`,
        displayName: `${title(name)} ${title(child)}`,
        description: firstSentence(cs.description),
        'x-descriptors': specXDescriptors(cs, name),
      });
    }
  }
  return out;
}

function statusDescriptors(status: JsonSchemaProps | undefined): Json[] {
  return Object.entries(status?.properties ?? {}).map(([name, schema]) => {
    const x =
      name === 'conditions'
        ? 'urn:alm:descriptor:io.kubernetes.conditions'
        : name === 'phase'
          ? 'urn:alm:descriptor:io.kubernetes.phase'
          : 'urn:alm:descriptor:text';
    return {
      path: name,
      displayName: title(name),
      description: firstSentence(schema.description),
      'x-descriptors': [x],
    };
  });
}

/** What each kind creates, for the console's "resources" view. */
const OWNED_RESOURCES: Record<string, { kind: string; version: string }[]> = {
  Maestro: [
    { kind: 'Deployment', version: 'v1' },
    { kind: 'StatefulSet', version: 'v1' },
    { kind: 'Service', version: 'v1' },
    { kind: 'Secret', version: 'v1' },
    { kind: 'ConfigMap', version: 'v1' },
  ],
  AgentRollout: [
    { kind: 'KlusterletConfig', version: 'v1alpha1' },
    { kind: 'ManifestWork', version: 'v1' },
    { kind: 'ConfigMap', version: 'v1' },
  ],
};

function ownedCrd(crd: CustomResourceDefinition): Json {
  const version = crd.spec.versions.find((v) => v.storage);
  if (!version) throw new Error(`${crd.metadata.name} has no storage version`);
  const root = version.schema.openAPIV3Schema;
  const spec = root.properties?.spec;
  if (!spec) throw new Error(`${crd.metadata.name} has no spec schema`);
  const kind = crd.spec.names.kind;
  return {
    name: crd.metadata.name,
    version: version.name,
    kind,
    displayName: title(kind),
    description: root.description ?? kind,
    resources: (OWNED_RESOURCES[kind] ?? []).map((r) => ({ ...r, name: '' })),
    specDescriptors: specDescriptors(spec),
    statusDescriptors: statusDescriptors(root.properties?.status),
  };
}

/**
 * Examples of the internal kinds (never applied by users; OLM's validator wants one per owned API,
 * and a reader of the bundle sees what the operator writes).
 */
const INTERNAL_EXAMPLES: Json[] = [
  {
    apiVersion: AGENT_ROLLOUT_MEMBERSHIP_API_VERSION,
    kind: AGENT_ROLLOUT_MEMBERSHIP_KIND,
    metadata: { name: 'upgrade-klusterlet-members-3-0' },
    spec: {
      rollout: 'upgrade-klusterlet',
      revision: '3',
      index: 0,
      members: 'cluster1\t0\tcanary\ncluster2\t1\t',
    },
  },
];

/** relatedImages: the operator image and every OPERAND_IMAGE_* of the manager container. */
function relatedImages(deployment: Deployment): { name: string; image: string }[] {
  const manager = deployment.spec.template.spec.containers[0];
  if (!manager) throw new Error('the operator Deployment has no container');
  const images = [{ name: OPERATOR_NAME, image: manager.image }];
  for (const e of manager.env ?? []) {
    const m = /^OPERAND_IMAGE_(.+)$/.exec(e.name);
    if (m?.[1] && e.value) images.push({ name: m[1].toLowerCase().replace(/_/g, '-'), image: e.value });
  }
  return images;
}

interface PatchOp {
  op: string;
  path: string;
  value?: unknown;
}

/** The regional console's kustomize Component: the manifests that `oc apply` of config/ installs with it. */
const CONSOLE_COMPONENT = 'config/console';
const CONTAINER = '/spec/template/spec/containers/0';
/**
 * The console's flags in config/console, by who sets them in an OLM install. The bundle sets the
 * certificate directory (it names the mount the bundle adds) through its environment variable (a
 * Subscription's spec.config.env can set variables but not args); the hub admin sets the rest in
 * the Subscription, since they turn the console on (it is off by default) and name their hub.
 */
const CONSOLE_FLAGS_IN_BUNDLE: Readonly<Record<string, string>> = { 'console-cert-dir': 'CONSOLE_CERT_DIR' };
const CONSOLE_FLAGS_IN_SUBSCRIPTION: readonly string[] = [
  'console-bind-address',
  'console-region',
  'console-geography',
  'console-allowed-origins',
];

/**
 * The JSON patch ops of config/console for the operator Deployment. Its patch of the operator's
 * NetworkPolicy has no counterpart: the bundle carries no NetworkPolicy (OLM accepts one only from
 * operator-registry v1.55.0), and the operator applies its own from its flags at start.
 */
function consolePatchOps(read: ReadFile, deployment: string): PatchOp[] {
  const component = parseAllDocuments(read(`${CONSOLE_COMPONENT}/kustomization.yaml`))[0]?.toJS() as
    { patches?: { target?: { kind?: string; name?: string }; patch?: string }[] } | undefined;
  return (component?.patches ?? []).flatMap((p) => {
    if (p.target?.kind === 'NetworkPolicy' && p.target.name === OPERATOR_NETWORK_POLICY_NAME) return [];
    if (p.target?.kind !== 'Deployment' || p.target.name !== deployment) {
      throw new Error(
        `${CONSOLE_COMPONENT}: hack/bundle.ts applies patches of Deployment ${deployment} only`,
      );
    }
    return (parseAllDocuments(p.patch ?? '')[0]?.toJS() as PatchOp[] | undefined) ?? [];
  });
}

/**
 * The operator Deployment with what config/console adds to it, so the bundle's console Service
 * finds its port and the service-ca certificate is mounted where the console reads it: every
 * `add` to a list, but args, which become environment variables or are left to the Subscription
 * (CONSOLE_FLAGS_IN_BUNDLE). Anything else in the component fails here rather than being dropped.
 */
function withConsole<T extends Deployment>(deployment: T, read: ReadFile): T {
  const out = structuredClone(deployment);
  for (const op of consolePatchOps(read, deployment.metadata.name)) {
    const where = `${CONSOLE_COMPONENT}: ${op.op} ${op.path}`;
    if (op.op !== 'add' || !op.path.endsWith('/-')) throw new Error(`${where}: only appends are supported`);
    if (op.path === `${CONTAINER}/args/-`) {
      const m = /^--([a-z-]+)=(.*)$/.exec(String(op.value));
      const [flag, value] = [m?.[1] ?? '', m?.[2] ?? ''];
      const env = CONSOLE_FLAGS_IN_BUNDLE[flag];
      if (env) {
        const container = out.spec.template.spec.containers[0];
        if (!container) throw new Error(`${where}: the Deployment has no container`);
        container.env = [...(container.env ?? []), { name: env, value }];
      } else if (!CONSOLE_FLAGS_IN_SUBSCRIPTION.includes(flag)) {
        throw new Error(
          `${where}: say in hack/bundle.ts whether the bundle or the Subscription sets ${op.value}`,
        );
      }
      continue;
    }
    let node: unknown = out;
    const keys = op.path.split('/').slice(1, -1);
    for (const key of keys) node = isObj(node) || Array.isArray(node) ? (node as Json)[key] : undefined;
    if (!Array.isArray(node)) throw new Error(`${where}: no list at that path in the Deployment`);
    node.push(structuredClone(op.value));
  }
  return out;
}

/** The Services of config/console (the Route is OpenShift-only and not a kind a bundle may carry). */
function consoleServices(read: ReadFile): KubeObj[] {
  return kustomizeResources(CONSOLE_COMPONENT, read).filter((o) => o.kind === 'Service');
}

/** Strips the namespace (OLM installs namespaced bundle objects into the operator's namespace). */
function withoutNamespace<T extends KubeObj>(o: T): T {
  const { namespace: _ns, ...metadata } = o.metadata;
  return { ...o, metadata } as T;
}

const BUNDLE_HEADER = 'Generated by `make bundle` (hack/bundle.ts) from config/. Do not edit.';

/** The ClusterServiceVersion, from config/ and the CRDs. */
export function clusterServiceVersion(read: ReadFile): Json {
  const pkg = JSON.parse(read('package.json')) as { version: string; description: string };
  const createdAt = RELEASE_DATES[pkg.version];
  if (!createdAt) throw new Error(`hack/bundle.ts RELEASE_DATES has no date for version ${pkg.version}`);
  const manager = kustomizeResources('config/manager', read);
  const rbac = kustomizeResources('config/rbac', read);
  const samples = kustomizeResources('config/samples', read);
  const deployment = withConsole(one<Deployment>(manager, 'Deployment', 'config/manager'), read);
  const serviceAccount = deployment.spec.template.spec.serviceAccountName;
  const clusterRoles = rbac.filter((o) => o.kind === 'ClusterRole');
  const operatorRoles = rbac.filter(
    (o) => o.kind === 'Role' && o.metadata.namespace === deployment.metadata.namespace,
  );
  const images = relatedImages(deployment);
  const operatorImage = images[0]?.image ?? '';
  const crds = allCrds();
  const ownedKinds = new Set(crds.map((c) => c.spec.names.kind));
  const examples = [
    ...samples.filter((o) => ownedKinds.has(o.kind)).map((o) => withoutNamespace(o)),
    ...INTERNAL_EXAMPLES,
  ];

  return {
    apiVersion: 'operators.coreos.com/v1alpha1',
    kind: 'ClusterServiceVersion',
    metadata: {
      name: `${PACKAGE}.v${pkg.version}`,
      annotations: {
        'alm-examples': JSON.stringify(examples, null, 2),
        // Records the operator keeps for itself: the console hides them from users.
        'operators.operatorframework.io/internal-objects': JSON.stringify(
          allCrds()
            .map((c) => c.metadata.name)
            .filter((name) => !ownCrds().some((o) => o.metadata.name === name)),
        ),
        capabilities: 'Basic Install',
        categories: 'Integration & Delivery,OpenShift Optional',
        containerImage: operatorImage,
        createdAt,
        description: pkg.description,
        'features.operators.openshift.io/cnf': 'false',
        'features.operators.openshift.io/cni': 'false',
        'features.operators.openshift.io/csi': 'false',
        'features.operators.openshift.io/disconnected': 'true',
        'features.operators.openshift.io/fips-compliant': 'false',
        'features.operators.openshift.io/proxy-aware': 'false',
        'features.operators.openshift.io/tls-profiles': 'false',
        'features.operators.openshift.io/token-auth-aws': 'false',
        'features.operators.openshift.io/token-auth-azure': 'false',
        'features.operators.openshift.io/token-auth-gcp': 'false',
        'operatorframework.io/suggested-namespace': OPERATOR_NAMESPACE,
        repository: 'https://github.com/stolostron/mce-maestro-operator',
        support: 'stolostron',
      },
    },
    spec: {
      displayName: 'MCE Maestro Operator',
      description: DESCRIPTION,
      version: pkg.version,
      minKubeVersion: MIN_KUBE_VERSION,
      maturity: 'alpha',
      keywords: [
        'maestro',
        'multicluster engine',
        'open cluster management',
        'klusterlet',
        'rollout',
        'mqtt',
        'grpc',
      ],
      provider: { name: 'stolostron', url: 'https://github.com/stolostron' },
      maintainers: [{ name: 'stolostron maintainers', email: 'stolostron@redhat.com' }],
      links: [
        { name: 'Source', url: 'https://github.com/stolostron/mce-maestro-operator' },
        { name: 'Maestro', url: 'https://github.com/openshift-online/maestro' },
        { name: 'Open Cluster Management', url: 'https://open-cluster-management.io' },
      ],
      icon: [{ base64data: Buffer.from(ICON_SVG).toString('base64'), mediatype: 'image/svg+xml' }],
      installModes: [
        { type: 'OwnNamespace', supported: false },
        { type: 'SingleNamespace', supported: false },
        { type: 'MultiNamespace', supported: false },
        { type: 'AllNamespaces', supported: true },
      ],
      customresourcedefinitions: { owned: crds.map(ownedCrd) },
      install: {
        strategy: 'deployment',
        spec: {
          clusterPermissions: [
            {
              serviceAccountName: serviceAccount,
              rules: clusterRoles.flatMap((r) => (r.rules as Json[]) ?? []),
            },
          ],
          permissions: [
            {
              serviceAccountName: serviceAccount,
              rules: operatorRoles.flatMap((r) => (r.rules as Json[]) ?? []),
            },
          ],
          deployments: [
            {
              name: deployment.metadata.name,
              label: deployment.metadata.labels ?? {},
              spec: deployment.spec,
            },
          ],
        },
      },
      relatedImages: images,
    },
  };
}

/** Bundle file name of another object OLM installs, operator-sdk style: `<name>_<group>_<version>_<kind>.yaml`. */
function bundleObjectFile(o: KubeObj): string {
  const [group, version] = o.apiVersion.includes('/') ? o.apiVersion.split('/') : ['', o.apiVersion];
  return `${o.metadata.name}_${group ? `${group}_` : ''}${version}_${o.kind.toLowerCase()}.yaml`;
}

/** Every file of `olm-bundle/`. */
export function generateBundle(read: ReadFile): GeneratedFiles {
  const files: GeneratedFiles = new Map();
  const csv = clusterServiceVersion(read);
  files.set(
    `olm-bundle/manifests/${PACKAGE}.clusterserviceversion.yaml`,
    yamlFile(BUNDLE_HEADER, [yamlDocument(csv)]),
  );
  for (const crd of allCrds()) {
    const name = crdFileName(crd);
    files.set(`olm-bundle/manifests/${name}`, read(`crds/${name}`));
  }
  const extras = [
    ...kustomizeResources('config/manager', read).filter((o) => o.kind === 'Service'),
    ...kustomizeResources('config/prometheus', read),
    ...consoleServices(read),
  ];
  for (const o of extras) {
    files.set(
      `olm-bundle/manifests/${bundleObjectFile(o)}`,
      yamlFile(BUNDLE_HEADER, [yamlDocument(withoutNamespace(o))]),
    );
  }
  files.set(
    'olm-bundle/metadata/annotations.yaml',
    yamlFile(BUNDLE_HEADER, [
      yamlDocument({
        annotations: { ...MEDIA_ANNOTATIONS, 'com.redhat.openshift.versions': OPENSHIFT_VERSIONS },
      }),
    ]),
  );
  const labels = Object.entries(MEDIA_ANNOTATIONS)
    .map(([k, v]) => `LABEL ${k}=${v}`)
    .join('\n');
  files.set(
    'olm-bundle/bundle.Dockerfile',
    [
      `# ${BUNDLE_HEADER}`,
      '# Build from the olm-bundle directory: docker build -f olm-bundle/bundle.Dockerfile olm-bundle',
      'FROM scratch',
      '',
      labels,
      `LABEL com.redhat.openshift.versions=${OPENSHIFT_VERSIONS}`,
      '',
      'COPY manifests /manifests/',
      'COPY metadata /metadata/',
      '',
    ].join('\n'),
  );
  return files;
}

/** Reads from the working tree. */
export const readRepoFile: ReadFile = (path) => readFileSync(join(REPO_ROOT, path), 'utf8');

if (isMain(import.meta.url)) {
  const manifests = generateManifests();
  const read: ReadFile = (p) => manifests.get(p) ?? readRepoFile(p);
  const files = generateBundle(read);
  writeGenerated(files, ['olm-bundle/manifests', 'olm-bundle/metadata']);
  for (const path of [...files.keys()].sort()) process.stdout.write(`wrote ${path}\n`);
}
