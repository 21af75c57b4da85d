/**
 * Who calls, and what they may see. The bearer token goes to a TokenReview (no `spec.audiences`:
 * user and ServiceAccount tokens are minted for the API server's own audience); each read is
 * authorised with SubjectAccessReviews for the user the review named. Decisions are cached by a
 * hash of the token for DECISION_TTL_MS (a console page load asks a handful of questions, the
 * live stream re-asks every TTL), in a bounded cache; the token itself is never logged nor kept
 * beyond the request that carries it.
 */
import { createHash } from 'node:crypto';
import { DecisionCache, bearerToken, type ReviewClient } from '../../runtime/metrics-auth.js';
import { errorSummary } from '../../runtime/client/errors.js';
import type { KubeObject } from '../../runtime/client/types.js';
import type { Logger } from '../../runtime/logger.js';
import { HttpError } from './errors.js';
import type { ClusterAccess } from './visibility.js';

/** How long a TokenReview or SubjectAccessReview answer is reused: a revoked right lasts this long. */
export const DECISION_TTL_MS = 10_000;
const MAX_ENTRIES = 4096;

export const CLUSTER_GROUP = 'cluster.open-cluster-management.io';

export interface UserInfo {
  username?: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
}

/** An authenticated caller: the user, and the key its decisions are cached under. */
export interface Caller {
  user: UserInfo;
  /** sha256 of the token: cache key, never the token. */
  key: string;
  /** The bearer token, for the caller's own client; never logged. */
  token: string;
}

export interface ResourceAttributes {
  verb: string;
  group: string;
  resource: string;
  namespace?: string;
  name?: string;
}

interface TokenReview extends KubeObject {
  spec: { token: string };
  status?: { authenticated?: boolean; user?: UserInfo; error?: string };
}

interface SubjectAccessReview extends KubeObject {
  spec: UserInfo & { user?: string; resourceAttributes: ResourceAttributes };
  status?: { allowed?: boolean };
}

export class ConsoleAuth {
  private readonly users: DecisionCache<UserInfo | null>;
  private readonly decisions: DecisionCache<boolean>;
  private readonly inFlight = new Map<string, Promise<unknown>>();
  private readonly log: Logger;

  constructor(
    private readonly client: ReviewClient,
    logger: Logger,
    private readonly ttlMs = DECISION_TTL_MS,
    now?: () => number,
  ) {
    this.users = new DecisionCache(MAX_ENTRIES, now);
    this.decisions = new DecisionCache(MAX_ENTRIES * 8, now);
    this.log = logger.child({ component: 'console-auth' });
  }

  /** The caller of a request's Authorization header; HttpError 401 when there is none or it is invalid. */
  async authenticate(authorization: string | undefined): Promise<Caller> {
    const token = bearerToken(authorization);
    if (!token)
      throw new HttpError(401, 'Unauthorized', 'a bearer token is required (Authorization: Bearer …)');
    const key = createHash('sha256').update(token).digest('base64');
    let user = this.users.get(key);
    if (user === undefined) {
      user = await this.once(`tr:${key}`, () => this.review(token));
      this.users.set(key, user, this.ttlMs);
    }
    if (!user) throw new HttpError(401, 'Unauthorized', 'the token is not valid');
    return { user, key, token };
  }

  private async review(token: string): Promise<UserInfo | null> {
    try {
      const tr = await this.client.create<TokenReview>({
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'TokenReview',
        metadata: {},
        spec: { token },
      });
      return tr.status?.authenticated ? (tr.status.user ?? {}) : null;
    } catch (err) {
      // errorSummary holds the API server's message, which never echoes the token.
      this.log.error({ error: errorSummary(err) }, 'TokenReview failed');
      throw new HttpError(502, 'BadGateway', 'the API server could not review the token');
    }
  }

  /** Whether the caller may do `attrs` (SubjectAccessReview, cached). */
  async allowed(caller: Caller, attrs: ResourceAttributes): Promise<boolean> {
    const key = `${caller.key}|${attrs.verb}|${attrs.group}|${attrs.resource}|${attrs.namespace ?? ''}|${attrs.name ?? ''}`;
    const cached = this.decisions.get(key);
    if (cached !== undefined) return cached;
    const allowed = await this.once(key, async () => {
      try {
        const sar = await this.client.create<SubjectAccessReview>({
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SubjectAccessReview',
          metadata: {},
          spec: {
            user: caller.user.username,
            uid: caller.user.uid,
            groups: caller.user.groups,
            extra: caller.user.extra,
            resourceAttributes: attrs,
          },
        });
        return sar.status?.allowed === true;
      } catch (err) {
        this.log.error(
          { user: caller.user.username, error: errorSummary(err) },
          'SubjectAccessReview failed',
        );
        throw new HttpError(502, 'BadGateway', 'the API server could not authorise the request');
      }
    });
    this.decisions.set(key, allowed, this.ttlMs);
    return allowed;
  }

  /**
   * The clusters the caller sees: all with `list managedclusters`, else those of the
   * ManagedClusterSets (among `setNames`, the sets clusters are in) the caller may `get`.
   */
  async clusterAccess(caller: Caller, setNames: Iterable<string>): Promise<ClusterAccess> {
    if (await this.allowed(caller, { verb: 'list', group: CLUSTER_GROUP, resource: 'managedclusters' }))
      return { all: true };
    const names = [...setNames];
    const verdicts = await Promise.all(
      names.map((name) =>
        this.allowed(caller, { verb: 'get', group: CLUSTER_GROUP, resource: 'managedclustersets', name }),
      ),
    );
    return { all: false, sets: new Set(names.filter((_, i) => verdicts[i])) };
  }

  /** The namespaces (of `namespaces`) where the caller may list AgentRollouts. */
  async rolloutNamespaces(caller: Caller, namespaces: Iterable<string>, group: string): Promise<Set<string>> {
    const list = [...namespaces];
    const verdicts = await Promise.all(
      list.map((namespace) =>
        this.allowed(caller, { verb: 'list', group, resource: 'agentrollouts', namespace }),
      ),
    );
    return new Set(list.filter((_, i) => verdicts[i]));
  }

  /** Concurrent requests with one question share one review. */
  private once<T>(key: string, fn: () => Promise<T>): Promise<T> {
    let pending = this.inFlight.get(key) as Promise<T> | undefined;
    if (!pending) {
      pending = fn();
      this.inFlight.set(key, pending);
      pending.finally(() => this.inFlight.delete(key)).catch(() => undefined);
    }
    return pending;
  }
}
