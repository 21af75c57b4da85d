/**
 * `GET /api/v1/events`: Server-Sent Events of the changes a user may see, so an open console is
 * live without polling. Informer handlers turn cache changes into change events; each stream
 * filters them with its caller's access, re-asked every DECISION_TTL_MS (a revoked right stops
 * the flow within that time; an invalid token ends the stream). A stream that can't keep up is
 * ended: the browser reconnects and reloads its pages, which is cheaper than buffering.
 */
import type { ServerResponse } from 'node:http';
import { MAESTRO_GROUP } from '../../api/maestro.js';
import type { Logger } from '../../runtime/logger.js';
import type { KubeObject } from '../../runtime/client/types.js';
import type { ChangeEvent } from '../contract.js';
import { DECISION_TTL_MS, type Caller, type ConsoleAuth } from './auth.js';
import type { FleetView } from './fleet-view.js';
import { rolloutSummary, type CachedCluster, type CachedRollout } from './summaries.js';
import { maySee, type ClusterAccess } from './visibility.js';

/** Bytes a slow stream may have unsent before it is ended. */
const MAX_BUFFERED = 4 * 1024 * 1024;
const HEARTBEAT_MS = 15_000;

interface Stream {
  res: ServerResponse;
  caller: Caller;
  access: ClusterAccess;
  /** Namespaces whose rollouts the caller may list, as last asked. */
  namespaces: Map<string, boolean>;
  /** Changes are sent in order: each waits for the previous one's authorisation. */
  chain: Promise<void>;
}

type Change =
  | { type: 'cluster'; name: string; old?: KubeObject; obj?: KubeObject }
  | { type: 'rollout'; namespace: string; name: string; obj?: KubeObject };

export class ChangeStreams {
  private readonly streams = new Set<Stream>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly fleet: FleetView,
    private readonly auth: ConsoleAuth,
    private readonly log: Logger,
  ) {
    const world = fleet.world;
    world.clusters.addHandler({
      add: (o) => this.publish({ type: 'cluster', name: o.metadata.name ?? '', obj: o }),
      update: (old, o) => this.publish({ type: 'cluster', name: o.metadata.name ?? '', old, obj: o }),
      delete: (o) => this.publish({ type: 'cluster', name: o.metadata.name ?? '', old: o }),
    });
    const addOnChanged = (o: KubeObject) => {
      const cluster = o.metadata.namespace ? fleet.cluster(o.metadata.namespace) : undefined;
      if (cluster)
        this.publish({ type: 'cluster', name: cluster.metadata.name ?? '', old: cluster, obj: cluster });
    };
    world.addOns.addHandler({
      add: addOnChanged,
      update: (_old, o) => addOnChanged(o),
      delete: addOnChanged,
    });
    const rollout = (o: KubeObject, gone = false) =>
      this.publish({
        type: 'rollout',
        namespace: o.metadata.namespace ?? '',
        name: o.metadata.name ?? '',
        ...(gone ? {} : { obj: o }),
      });
    world.rollouts.addHandler({
      add: (o) => rollout(o),
      update: (_old, o) => rollout(o),
      delete: (o) => rollout(o, true),
    });
  }

  get size(): number {
    return this.streams.size;
  }

  /** Starts a stream for an authenticated caller. */
  async open(res: ServerResponse, caller: Caller): Promise<void> {
    const stream: Stream = {
      res,
      caller,
      access: await this.auth.clusterAccess(caller, this.fleet.setNames()),
      namespaces: new Map(),
      chain: Promise.resolve(),
    };
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.write('retry: 2000\n\n');
    res.write('event: snapshot-done\ndata: {}\n\n');
    this.streams.add(stream);
    res.on('close', () => this.streams.delete(stream));
    this.timer ??= setInterval(() => this.tick(), Math.min(HEARTBEAT_MS, DECISION_TTL_MS));
    this.timer.unref();
  }

  /** Ends every stream (shutdown). */
  close(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    for (const s of this.streams) s.res.end();
    this.streams.clear();
  }

  /** Heartbeat, and the callers' access asked again (cached for the TTL, so at most once a TTL). */
  private tick(): void {
    for (const s of this.streams) {
      this.write(s, ': keep-alive\n\n');
      s.chain = s.chain.then(async () => {
        try {
          s.access = await this.auth.clusterAccess(
            await this.auth.authenticate(`Bearer ${s.caller.token}`),
            this.fleet.setNames(),
          );
          s.namespaces.clear();
        } catch {
          this.end(s);
        }
      });
    }
    if (this.streams.size === 0) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  private publish(change: Change): void {
    for (const s of this.streams) {
      s.chain = s.chain
        .then(() => this.deliver(s, change))
        .catch((err: unknown) => {
          this.log.debug({ error: (err as Error).message }, 'change stream ended');
          this.end(s);
        });
    }
  }

  private async deliver(s: Stream, change: Change): Promise<void> {
    let event: ChangeEvent | undefined;
    if (change.type === 'cluster') {
      const was = change.old !== undefined && maySee(s.access, change.old.metadata.labels);
      const now = change.obj !== undefined && maySee(s.access, change.obj.metadata.labels);
      if (now && change.obj) {
        event = {
          type: 'cluster',
          action: 'upsert',
          name: change.name,
          cluster: this.fleet.summary(change.obj as CachedCluster),
        };
      } else if (was) event = { type: 'cluster', action: 'delete', name: change.name };
    } else {
      let allowed = s.namespaces.get(change.namespace);
      if (allowed === undefined) {
        allowed = (await this.auth.rolloutNamespaces(s.caller, [change.namespace], MAESTRO_GROUP)).has(
          change.namespace,
        );
        s.namespaces.set(change.namespace, allowed);
      }
      if (allowed) {
        event = change.obj
          ? {
              type: 'rollout',
              action: 'upsert',
              namespace: change.namespace,
              name: change.name,
              rollout: rolloutSummary(change.obj as CachedRollout),
            }
          : { type: 'rollout', action: 'delete', namespace: change.namespace, name: change.name };
      }
    }
    if (event) this.write(s, `event: change\ndata: ${JSON.stringify(event)}\n\n`);
  }

  private write(s: Stream, text: string): void {
    if (s.res.writableEnded || s.res.destroyed) return;
    if (s.res.writableLength > MAX_BUFFERED) {
      this.end(s);
      return;
    }
    s.res.write(text);
  }

  private end(s: Stream): void {
    this.streams.delete(s);
    if (!s.res.writableEnded) s.res.end();
  }
}
