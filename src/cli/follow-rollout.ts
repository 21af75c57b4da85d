/**
 * Follows one AgentRollout through the watch API: the current object first, then every change,
 * until the callback says it is done or the signal aborts. Survives the server ending a watch
 * (re-watches from the last resourceVersion), an expired resourceVersion (410: reads again) and
 * dropped connections or server errors (reads again after a pause).
 */
import { isGone, isNetworkError, isServerError, type KubeClient } from '../runtime/client/index.js';
import { sleep } from '../runtime/clock.js';
import { AGENT_ROLLOUT_API_VERSION, AGENT_ROLLOUT_KIND } from '../api/agentrollout.js';
import { parseRollout, rolloutRef, type CliRollout } from '../api/agentrollout-object.js';

const RETRY_MS = 2_000;
/** Server-side watch timeout; the loop re-watches from where it was. */
const WATCH_SECONDS = 300;

export interface FollowOptions {
  signal: AbortSignal;
  /** Called with the first version and every change; return true to stop. */
  onChange: (r: CliRollout) => boolean;
  /** Called when the watch broke and is being re-established. */
  onRetry?: (err: unknown) => void;
}

/** Reads the rollout; throws a one-line error when it does not exist. */
export async function getRollout(
  client: KubeClient,
  namespace: string,
  name: string,
  signal?: AbortSignal,
): Promise<CliRollout> {
  const obj = await client.get(rolloutRef(namespace, name), { signal });
  if (!obj) throw new Error(`agentrollout ${namespace}/${name} not found`);
  return parseRollout(obj);
}

/** Resolves `true` when `onChange` returned true, `false` when the signal aborted first. */
export async function followRollout(
  client: KubeClient,
  namespace: string,
  name: string,
  opts: FollowOptions,
): Promise<boolean> {
  const { signal } = opts;
  let resourceVersion: string | undefined;
  let fresh = true;
  while (!signal.aborted) {
    try {
      if (fresh) {
        const r = await getRollout(client, namespace, name, signal);
        if (opts.onChange(r)) return true;
        resourceVersion = r.metadata.resourceVersion;
        fresh = false;
      }
      const events = client.watch(AGENT_ROLLOUT_API_VERSION, AGENT_ROLLOUT_KIND, {
        namespace,
        fieldSelector: `metadata.name=${name}`,
        resourceVersion,
        timeoutSeconds: WATCH_SECONDS,
        signal,
      });
      for await (const ev of events) {
        resourceVersion = ev.object.metadata.resourceVersion ?? resourceVersion;
        if (ev.type === 'BOOKMARK') continue;
        if (ev.type === 'DELETED') throw new Error(`agentrollout ${namespace}/${name} was deleted`);
        if (opts.onChange(parseRollout(ev.object))) return true;
      }
    } catch (err) {
      if (signal.aborted) break;
      if (isGone(err)) {
        fresh = true;
        continue;
      }
      if (!isNetworkError(err) && !isServerError(err)) throw err;
      opts.onRetry?.(err);
      fresh = true;
      await sleep(RETRY_MS, signal);
    }
  }
  return false;
}
