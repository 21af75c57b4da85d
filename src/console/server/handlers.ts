/**
 * The API's handlers, one function per endpoint, each a short numbered story. Reads come from
 * the informer caches filtered by the caller's access; detail-only data and every write go to the
 * API server with the caller's own token (never the operator's ServiceAccount).
 */
import type { IncomingMessage } from 'node:http';
import type { z } from 'zod';
import { MAESTRO_GROUP } from '../../api/maestro.js';
import { AGENT_ROLLOUT_API_VERSION, AGENT_ROLLOUT_KIND } from '../../api/agentrollout.js';
import {
  ADDON_API_VERSION,
  MANAGED_CLUSTER_API_VERSION,
  MANIFEST_WORK_API_VERSION,
} from '../../api/upstream/ocm.js';
import { maestroComponentEnabled, type MultiClusterEngine } from '../../api/upstream/mce.js';
import { approvalPatch, pausePatch, resumePatch, rollbackPatch } from '../../api/agentrollout-patches.js';
import { cliRolloutSchema } from '../../api/agentrollout-object.js';
import { isAlreadyExists } from '../../runtime/client/errors.js';
import type { KubeClient } from '../../runtime/client/kube-client.js';
import type { KubeObject } from '../../runtime/client/types.js';
import {
  CLUSTER_PAGE_FORMATS,
  CONSOLE_API_VERSION,
  DEFAULT_PAGE_SIZE,
  MAX_PAGE_SIZE,
  createClusterDeploymentRequestSchema,
  createRolloutRequestSchema,
  detachRequestSchema,
  importClusterRequestSchema,
  patchLabelsRequestSchema,
  rolloutActionRequestSchema,
  scaleMachinePoolRequestSchema,
  setAddOnRequestSchema,
  type ActionResult,
  type ClusterColumns,
  type ClusterDetail,
  type ClusterList,
  type Info,
  type MachinePoolList,
  type RolloutList,
  type RolloutSummary,
} from '../contract.js';
import {
  HIVE_API_VERSION,
  addOnObject,
  clusterDeploymentObjects,
  importObjects,
  labelsPatch,
  namespaceObject,
  rolloutObjects,
  scalePatch,
} from './actions.js';
import type { Caller, ConsoleAuth } from './auth.js';
import { HttpError, badRequest, fromKube, fromZod, notFound } from './errors.js';
import type { FleetView } from './fleet-view.js';
import { readJson } from './http.js';
import { SelectorError, labelMatcher } from '../label-selector-string.js';
import { toClusterColumns } from '../cluster-columns.js';
import { decodeContinue, encodeContinue } from './name-index.js';
import { rolloutSummary, trimConditions } from './summaries.js';
import type { UserClientFactory } from './user-client.js';
import { maySee } from './visibility.js';

export interface HandlerContext {
  fleet: FleetView;
  auth: ConsoleAuth;
  userClient: UserClientFactory;
  /** The operator's data-plane client: only for /version and discovery, never for a user's write. */
  operator: KubeClient;
  region: string;
  geography: string;
  operatorVersion: string;
  now: () => Date;
}

/**
 * The field manager of the console's writes: managedFields then tell what the console wrote,
 * and the hub's audit log who (the caller's own identity).
 */
export const CONSOLE_FIELD_MANAGER = 'mce-maestro-console';
const AS_CONSOLE = { fieldManager: CONSOLE_FIELD_MANAGER };

/** How many recent Events the detail shows. */
const DETAIL_EVENTS = 20;
/** How long /info reuses the hub version and Hive discovery. */
const INFO_TTL_MS = 60_000;

function parse<S extends z.ZodType>(schema: S, value: unknown, prefix = ''): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw fromZod(r.error, prefix);
  return r.data as z.output<S>;
}

async function body<S extends z.ZodType>(req: IncomingMessage, schema: S): Promise<z.output<S>> {
  return parse(schema, await readJson(req));
}

/** Runs `fn` with a client acting as the caller; API server refusals become HttpErrors. */
async function asCaller<T>(
  ctx: HandlerContext,
  caller: Caller,
  fn: (c: KubeClient) => Promise<T>,
): Promise<T> {
  const client = ctx.userClient(caller.token);
  try {
    return await fn(client);
  } catch (err) {
    throw fromKube(err);
  } finally {
    client.close();
  }
}

/** Creates a Namespace as the caller; one that exists already is fine. */
async function ensureNamespace(client: KubeClient, name: string): Promise<boolean> {
  try {
    await client.create(namespaceObject(name), AS_CONSOLE);
    return true;
  } catch (err) {
    if (isAlreadyExists(err)) return false;
    throw err;
  }
}

const refOf = (o: KubeObject) => ({
  kind: o.kind,
  ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}),
  name: o.metadata.name ?? '',
});

function written(objects: KubeObject[]): ActionResult {
  return { written: objects.map(refOf) };
}

function deleted(objects: KubeObject[]): ActionResult {
  return { written: [], deleted: objects.map(refOf) };
}

// ------------------------------------------------------------------------------------ reads

let infoCache: { at: number; hubVersion?: string; hiveServed: boolean } | undefined;

/** GET /info: public; nothing about clusters. */
export async function getInfo(ctx: HandlerContext): Promise<Info> {
  // 1. Hub version and Hive discovery change rarely: ask the API server at most once a minute.
  const now = Date.now();
  if (!infoCache || now - infoCache.at > INFO_TTL_MS) {
    const [version, hive] = await Promise.allSettled([
      ctx.operator.version(),
      ctx.operator.mapper.mapping(HIVE_API_VERSION, 'ClusterDeployment'),
    ]);
    if (hive.status === 'rejected') ctx.operator.mapper.invalidate(HIVE_API_VERSION);
    infoCache = {
      at: now,
      ...(version.status === 'fulfilled' && version.value.gitVersion
        ? { hubVersion: version.value.gitVersion }
        : {}),
      hiveServed: hive.status === 'fulfilled',
    };
  }
  // 2. Maestro: what the MultiClusterEngine the operator already watches says.
  const engines = ctx.fleet.world.engines.list() as MultiClusterEngine[];
  return {
    apiVersion: CONSOLE_API_VERSION,
    region: ctx.region,
    geography: ctx.geography,
    operatorVersion: ctx.operatorVersion,
    ...(infoCache.hubVersion ? { hubVersion: infoCache.hubVersion } : {}),
    maestroEnabled: engines.some((e) => maestroComponentEnabled(e)),
    hiveServed: infoCache.hiveServed,
  };
}

/** Resets the /info cache (tests that install Hive's CRDs mid-run). */
export function resetInfoCache(): void {
  infoCache = undefined;
}

/** GET /api/v1/clusters?limit=&continue=&labelSelector=&format= */
export async function listClusters(
  ctx: HandlerContext,
  caller: Caller,
  query: URLSearchParams,
): Promise<ClusterList | ClusterColumns> {
  // 1. Validate the query, naming the field.
  const format = query.get('format') ?? 'rows';
  if (!(CLUSTER_PAGE_FORMATS as readonly string[]).includes(format))
    throw badRequest(`format: must be one of ${CLUSTER_PAGE_FORMATS.join(', ')}`, 'format');
  const rawLimit = query.get('limit');
  let limit = DEFAULT_PAGE_SIZE;
  if (rawLimit !== null) {
    limit = Number(rawLimit);
    if (!/^\d+$/.test(rawLimit) || limit < 1) throw badRequest('limit: must be a positive integer', 'limit');
    limit = Math.min(limit, MAX_PAGE_SIZE);
  }
  const token = query.get('continue');
  const after = token ? decodeContinue(token) : undefined;
  if (token && after === undefined)
    throw badRequest('continue: not a token this server returned', 'continue');
  let matches: ReturnType<typeof labelMatcher>;
  try {
    matches = labelMatcher(query.get('labelSelector') ?? undefined);
  } catch (err) {
    if (err instanceof SelectorError) throw badRequest(`labelSelector: ${err.message}`, 'labelSelector');
    throw err;
  }
  // 2. What the caller may see (cached SubjectAccessReviews).
  const access = await ctx.auth.clusterAccess(caller, ctx.fleet.setNames());
  // 3. One scan of the sorted names: count every match, keep the page's.
  const { names, more, total } = ctx.fleet.names.page(after, limit, (name) => {
    const labels = ctx.fleet.cluster(name)?.metadata.labels;
    return maySee(access, labels) && matches(labels);
  });
  // 4. Rows only for the page.
  const items = names.flatMap((n) => {
    const mc = ctx.fleet.cluster(n);
    return mc ? [ctx.fleet.summary(mc)] : [];
  });
  const last = names[names.length - 1];
  const page: ClusterList = { items, total, ...(more && last ? { continue: encodeContinue(last) } : {}) };
  return format === 'columns' ? toClusterColumns(page) : page;
}

/** GET /api/v1/clusters/{name} */
export async function getCluster(ctx: HandlerContext, caller: Caller, name: string): Promise<ClusterDetail> {
  // 1. A cluster the caller may not see is answered like one that doesn't exist.
  const mc = ctx.fleet.cluster(name);
  const access = await ctx.auth.clusterAccess(caller, ctx.fleet.setNames());
  if (!mc || !maySee(access, mc.metadata.labels)) throw notFound(`cluster ${name} not found`);
  const summary = ctx.fleet.summary(mc);
  // 2. What the cache doesn't hold is read with the caller's token; what they may not read stays empty.
  const client = ctx.userClient(caller.token);
  try {
    const [full, events, works] = await Promise.allSettled([
      client.get<
        KubeObject & { status?: { clusterClaims?: { name?: string; value?: string }[]; conditions?: [] } }
      >({
        apiVersion: MANAGED_CLUSTER_API_VERSION,
        kind: 'ManagedCluster',
        name,
      }),
      client.list<KubeObject & Record<string, unknown>>('v1', 'Event', { namespace: name, limit: 500 }),
      client.list<KubeObject & { status?: { conditions?: { type?: string; status?: string }[] } }>(
        MANIFEST_WORK_API_VERSION,
        'ManifestWork',
        { namespace: name },
      ),
    ]);
    const status = (full.status === 'fulfilled' ? full.value?.status : undefined) ?? mc.status;
    const claims = (status?.clusterClaims ?? [])
      .filter((c) => typeof c.name === 'string')
      .map((c) => ({ name: c.name as string, value: c.value ?? '' }));
    const eventList = events.status === 'fulfilled' ? events.value.items : [];
    const workList = works.status === 'fulfilled' ? works.value.items : [];
    const cond = (w: (typeof workList)[number], type: string) =>
      w.status?.conditions?.some((c) => c.type === type && c.status === 'True') === true;
    return {
      ...summary,
      conditions: trimConditions(status?.conditions ?? mc.status?.conditions),
      claims,
      manifestWorks: {
        total: workList.length,
        applied: workList.filter((w) => cond(w, 'Applied')).length,
        degraded: workList.filter((w) => cond(w, 'Degraded')).length,
      },
      events: eventList
        .map((e) => eventSummary(e))
        .sort((a, b) => (b.lastTimestamp ?? '').localeCompare(a.lastTimestamp ?? ''))
        .slice(0, DETAIL_EVENTS),
      ...(mc.metadata.creationTimestamp ? { createdAt: mc.metadata.creationTimestamp } : {}),
    };
  } finally {
    client.close();
  }
}

function eventSummary(e: Record<string, unknown>): ClusterDetail['events'][number] {
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const obj = (e.involvedObject ?? e.regarding ?? {}) as Record<string, unknown>;
  const last =
    str(e.lastTimestamp) ??
    str(e.eventTime) ??
    str((e.metadata as { creationTimestamp?: string })?.creationTimestamp);
  const count = typeof e.count === 'number' ? e.count : undefined;
  return {
    type: str(e.type) ?? 'Normal',
    reason: str(e.reason) ?? '',
    message: str(e.message) ?? str(e.note) ?? '',
    ...(count !== undefined ? { count } : {}),
    ...(last ? { lastTimestamp: last } : {}),
    involvedObject: {
      kind: str(obj.kind) ?? '',
      name: str(obj.name) ?? '',
      ...(str(obj.namespace) ? { namespace: str(obj.namespace) } : {}),
    },
  };
}

/** GET /api/v1/rollouts: those in namespaces where the caller may list AgentRollouts. */
export async function listRollouts(ctx: HandlerContext, caller: Caller): Promise<RolloutList> {
  const all = ctx.fleet.rollouts();
  const namespaces = await ctx.auth.rolloutNamespaces(
    caller,
    new Set(all.map((r) => r.metadata.namespace ?? '')),
    MAESTRO_GROUP,
  );
  const items = all
    .filter((r) => namespaces.has(r.metadata.namespace ?? ''))
    .map(rolloutSummary)
    .sort((a, b) =>
      a.namespace === b.namespace ? (a.name < b.name ? -1 : 1) : a.namespace < b.namespace ? -1 : 1,
    );
  return { items };
}

/** GET /api/v1/rollouts/{ns}/{name} */
export async function getRollout(
  ctx: HandlerContext,
  caller: Caller,
  ns: string,
  name: string,
): Promise<RolloutSummary> {
  const allowed = (await ctx.auth.rolloutNamespaces(caller, [ns], MAESTRO_GROUP)).has(ns);
  const r = ctx.fleet.rollout(`${ns}/${name}`);
  if (!allowed || !r) throw notFound(`rollout ${ns}/${name} not found`);
  return rolloutSummary(r);
}

/** GET /api/v1/hive/machinepools: read with the caller's token (Hive objects are not cached). */
export async function listMachinePools(ctx: HandlerContext, caller: Caller): Promise<MachinePoolList> {
  type Pool = KubeObject & {
    spec?: { clusterDeploymentRef?: { name?: string }; replicas?: number };
    status?: { replicas?: number; readyReplicas?: number };
  };
  const { items } = await asCaller(ctx, caller, (c) => c.list<Pool>(HIVE_API_VERSION, 'MachinePool'));
  return {
    items: items.map((p) => ({
      namespace: p.metadata.namespace ?? '',
      name: p.metadata.name ?? '',
      clusterDeployment: p.spec?.clusterDeploymentRef?.name ?? '',
      ...(p.spec?.replicas !== undefined ? { replicas: p.spec.replicas } : {}),
      ...(p.status?.readyReplicas !== undefined ? { readyReplicas: p.status.readyReplicas } : {}),
    })),
  };
}

// ------------------------------------------------------------------------------------ actions

/** POST /api/v1/rollouts: an AgentRollout (and, over picked clusters, its Placement). */
export async function createRollout(
  ctx: HandlerContext,
  caller: Caller,
  req: IncomingMessage,
): Promise<ActionResult> {
  // 1. Validate everything before writing anything.
  const request = await body(req, createRolloutRequestSchema);
  const { placement, rollout } = rolloutObjects(request);
  // 2. Write as the caller: the Placement first, so the rollout never points at nothing.
  return asCaller(ctx, caller, async (c) => {
    const done: KubeObject[] = [];
    if (placement) done.push(await c.create(placement, AS_CONSOLE));
    try {
      done.push(await c.create(rollout, AS_CONSOLE));
    } catch (err) {
      // A refused rollout leaves no Placement of ours behind.
      if (placement)
        await c
          .delete({ ...placement, name: placement.metadata.name ?? '', namespace: request.namespace })
          .catch(() => undefined);
      throw err;
    }
    return written(done);
  });
}

/** POST /api/v1/rollouts/{ns}/{name}/actions: the patches of `kubectl mce rollout`. */
export async function rolloutAction(
  ctx: HandlerContext,
  caller: Caller,
  ns: string,
  name: string,
  req: IncomingMessage,
): Promise<ActionResult> {
  const request = await body(req, rolloutActionRequestSchema);
  const ref = { apiVersion: AGENT_ROLLOUT_API_VERSION, kind: AGENT_ROLLOUT_KIND, namespace: ns, name };
  return asCaller(ctx, caller, async (c) => {
    let patch: unknown;
    if (request.action === 'pause') patch = pausePatch();
    else if (request.action === 'resume') patch = resumePatch(ctx.now());
    else if (request.action === 'rollback') patch = rollbackPatch(ctx.now());
    else {
      // Approve reads the rollout as the caller: the grant is for its current revision.
      const current = cliRolloutSchema.parse(await c.get(ref));
      const decision = approvalPatch(current, request.group ?? '');
      if (decision.kind === 'refused') throw new HttpError(409, 'Conflict', decision.message, 'group');
      if (decision.kind === 'already') return written([]);
      patch = decision.body;
    }
    await c.patch(ref, patch, 'merge', AS_CONSOLE);
    return written([{ ...ref, metadata: { name, namespace: ns } }]);
  });
}

/** PATCH /api/v1/clusters/{name}/labels */
export async function patchLabels(
  ctx: HandlerContext,
  caller: Caller,
  name: string,
  req: IncomingMessage,
): Promise<ActionResult> {
  const request = await body(req, patchLabelsRequestSchema);
  const ref = { apiVersion: MANAGED_CLUSTER_API_VERSION, kind: 'ManagedCluster', name };
  return asCaller(ctx, caller, async (c) => {
    await c.patch(ref, labelsPatch(request), 'merge', AS_CONSOLE);
    return written([{ ...ref, metadata: { name } }]);
  });
}

/** PUT /api/v1/clusters/{name}/addons/{addOn}: create or delete the ManagedClusterAddOn. */
export async function setAddOn(
  ctx: HandlerContext,
  caller: Caller,
  cluster: string,
  addOn: string,
  req: IncomingMessage,
): Promise<ActionResult> {
  const request = await body(req, setAddOnRequestSchema);
  const obj = addOnObject(cluster, addOn, request.installNamespace);
  return asCaller(ctx, caller, async (c) => {
    if (!request.enabled) {
      // Disabling an add-on that is not enabled is done already, as enabling one that is.
      const gone = await c.delete({
        apiVersion: ADDON_API_VERSION,
        kind: 'ManagedClusterAddOn',
        namespace: cluster,
        name: addOn,
      });
      return deleted(gone ? [obj] : []);
    }
    try {
      await c.create(obj, AS_CONSOLE);
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
    }
    return written([obj]);
  });
}

/** POST /api/v1/clusters/import: namespace, ManagedCluster, auto-import-secret. */
export async function importCluster(
  ctx: HandlerContext,
  caller: Caller,
  req: IncomingMessage,
): Promise<ActionResult> {
  const request = await body(req, importClusterRequestSchema);
  const { namespace, cluster, secret } = importObjects(request);
  return asCaller(ctx, caller, async (c) => {
    // The ManagedCluster first: a caller who may not create it leaves nothing behind.
    await c.create(cluster, AS_CONSOLE);
    const created = await ensureNamespace(c, namespace.metadata.name ?? '');
    await c.create(secret, AS_CONSOLE);
    return written([cluster, ...(created ? [namespace] : []), secret]);
  });
}

/** POST /api/v1/hive/clusterdeployments */
export async function createClusterDeployment(
  ctx: HandlerContext,
  caller: Caller,
  req: IncomingMessage,
): Promise<ActionResult> {
  const request = await body(req, createClusterDeploymentRequestSchema);
  const [namespace, ...objects] = clusterDeploymentObjects(request);
  return asCaller(ctx, caller, async (c) => {
    const created = namespace ? await ensureNamespace(c, namespace.metadata.name ?? '') : false;
    for (const o of objects) await c.create(o, AS_CONSOLE);
    return written([...(created && namespace ? [namespace] : []), ...objects]);
  });
}

/** PATCH /api/v1/hive/machinepools/{ns}/{name}: replicas. */
export async function scaleMachinePool(
  ctx: HandlerContext,
  caller: Caller,
  ns: string,
  name: string,
  req: IncomingMessage,
): Promise<ActionResult> {
  const request = await body(req, scaleMachinePoolRequestSchema);
  const ref = { apiVersion: HIVE_API_VERSION, kind: 'MachinePool', namespace: ns, name };
  return asCaller(ctx, caller, async (c) => {
    await c.patch(ref, scalePatch(request.replicas), 'merge', AS_CONSOLE);
    return written([{ ...ref, metadata: { name, namespace: ns } }]);
  });
}

/** DELETE /api/v1/clusters/{name}: only with the name typed again. */
export async function detachCluster(
  ctx: HandlerContext,
  caller: Caller,
  name: string,
  req: IncomingMessage,
): Promise<ActionResult> {
  const request = await body(req, detachRequestSchema);
  if (request.confirm !== name) throw badRequest(`confirm: must repeat the cluster name ${name}`, 'confirm');
  const ref = { apiVersion: MANAGED_CLUSTER_API_VERSION, kind: 'ManagedCluster', name };
  return asCaller(ctx, caller, async (c) => {
    if (!(await c.delete(ref))) throw notFound(`cluster ${name} not found`);
    return deleted([{ ...ref, metadata: { name } }]);
  });
}
