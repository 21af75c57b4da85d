import type { KubeClient } from './client/kube-client.js';
import type { KubeObject } from './client/types.js';

/** What leader election stores in the lock (client-go's `LeaderElectionRecord`). */
export interface LeaderElectionRecord {
  /** Empty when released. */
  holderIdentity: string;
  leaseDurationSeconds: number;
  /** MicroTime strings, as the Lease API stores them. */
  acquireTime: string;
  renewTime: string;
  leaderTransitions: number;
}

/** A record with the resourceVersion it was read at (for optimistic concurrency). */
export interface LockState {
  record: LeaderElectionRecord;
  resourceVersion: string;
}

/**
 * Where the record lives. `create` and `update` must fail with a 409 (`isConflict` or
 * `isAlreadyExists`) when someone else wrote first.
 */
export interface ResourceLock {
  /** `namespace/name`, for logs. */
  describe(): string;
  get(signal?: AbortSignal): Promise<LockState | undefined>;
  create(record: LeaderElectionRecord, signal?: AbortSignal): Promise<LockState>;
  update(record: LeaderElectionRecord, resourceVersion: string, signal?: AbortSignal): Promise<LockState>;
}

interface Lease extends KubeObject {
  spec?: {
    holderIdentity?: string;
    leaseDurationSeconds?: number;
    acquireTime?: string;
    renewTime?: string;
    leaseTransitions?: number;
  };
}

/** A `coordination.k8s.io/v1` Lease as the lock, like client-go's `LeaseLock`. */
export class LeaseLock implements ResourceLock {
  /** The last Lease read or written: updates PUT it back so labels and the like survive. */
  private last: Lease | undefined;

  constructor(
    private readonly client: KubeClient,
    readonly namespace: string,
    readonly name: string,
  ) {}

  describe(): string {
    return `${this.namespace}/${this.name}`;
  }

  async get(signal?: AbortSignal): Promise<LockState | undefined> {
    const lease = await this.client.get<Lease>(
      { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', namespace: this.namespace, name: this.name },
      { signal },
    );
    this.last = lease;
    return lease && toState(lease);
  }

  async create(record: LeaderElectionRecord, signal?: AbortSignal): Promise<LockState> {
    const lease = await this.client.create<Lease>(
      {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name: this.name, namespace: this.namespace },
        spec: toSpec(record),
      },
      { signal },
    );
    this.last = lease;
    return toState(lease);
  }

  async update(
    record: LeaderElectionRecord,
    resourceVersion: string,
    signal?: AbortSignal,
  ): Promise<LockState> {
    const base: Lease = this.last ?? {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: this.name, namespace: this.namespace },
    };
    const lease = await this.client.update<Lease>(
      {
        ...base,
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { ...base.metadata, resourceVersion },
        spec: toSpec(record),
      },
      { signal },
    );
    this.last = lease;
    return toState(lease);
  }
}

function toSpec(r: LeaderElectionRecord): Lease['spec'] {
  return {
    holderIdentity: r.holderIdentity,
    leaseDurationSeconds: r.leaseDurationSeconds,
    acquireTime: r.acquireTime,
    renewTime: r.renewTime,
    leaseTransitions: r.leaderTransitions,
  };
}

function toState(lease: Lease): LockState {
  const s = lease.spec ?? {};
  return {
    resourceVersion: lease.metadata.resourceVersion ?? '',
    record: {
      holderIdentity: s.holderIdentity ?? '',
      leaseDurationSeconds: s.leaseDurationSeconds ?? 0,
      acquireTime: s.acquireTime ?? '',
      renewTime: s.renewTime ?? '',
      leaderTransitions: s.leaseTransitions ?? 0,
    },
  };
}
