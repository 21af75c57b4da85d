/** The verbs that change state in the API server. */
export type WriteVerb = 'create' | 'update' | 'patch' | 'apply' | 'delete' | 'deletecollection';
/** Every verb the client uses, as client-go names them. */
export type Verb = WriteVerb | 'get' | 'list' | 'watch' | 'discovery';

const WRITE_VERBS: readonly WriteVerb[] = [
  'create',
  'update',
  'patch',
  'apply',
  'delete',
  'deletecollection',
];

/**
 * In-process request counters of one client. Benchmarks read `writes` to count "API writes per
 * toggle"; unlike the Prometheus counters these can be reset between measurements.
 */
export class RequestStats {
  readonly writes: Record<WriteVerb, number> = zeroWrites();
  reads = 0;
  watches = 0;

  /** Writes of all verbs since the last reset. */
  get totalWrites(): number {
    return WRITE_VERBS.reduce((sum, v) => sum + this.writes[v], 0);
  }

  /** Records one request sent (retries count again: each is a request the server sees). */
  record(verb: Verb): void {
    if (verb === 'watch') this.watches++;
    else if (isWriteVerb(verb)) this.writes[verb]++;
    else this.reads++;
  }

  reset(): void {
    Object.assign(this.writes, zeroWrites());
    this.reads = 0;
    this.watches = 0;
  }
}

/** True for verbs that change state. */
export function isWriteVerb(verb: Verb): verb is WriteVerb {
  return (WRITE_VERBS as readonly string[]).includes(verb);
}

function zeroWrites(): Record<WriteVerb, number> {
  return { create: 0, update: 0, patch: 0, apply: 0, delete: 0, deletecollection: 0 };
}
