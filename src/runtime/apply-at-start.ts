/**
 * Applies objects of the operator's own at start: what an OLM bundle cannot carry (admission
 * policy, NetworkPolicy, Route) and what only the running process knows how to fill in (its user,
 * the ports it opened, its flags). One way for all of them: server-side apply of whole objects
 * under the object's own field manager with force (an installer's copy is taken over), never
 * throwing, with one log line that says what happened.
 */
import type { KubeObject } from './client/types.js';
import type { KubeClient } from './client/kube-client.js';
import type { Logger } from './logger.js';

export interface StartObjects {
  /** What is applied, for the log: e.g. "the operator's NetworkPolicy". */
  what: string;
  /** The field manager that owns every field of these objects. */
  fieldManager: string;
  /** Builds the objects; it may ask the API server (e.g. who the operator is) and fail like an apply. */
  build(client: KubeClient): KubeObject[] | Promise<KubeObject[]>;
  /** Logged with the outcome (never a secret). */
  context?: Record<string, unknown>;
  /** What a failure leaves the user with, appended to the error line. */
  withoutIt?: string;
  /**
   * A failure the admin may expect (e.g. the cluster does not serve the kind): the sentence to
   * log as a warning instead of an error, or undefined for an ordinary failure.
   */
  expected?(err: unknown): string | undefined;
}

/**
 * Applies the objects in order. Never throws: each of these has a safeguard that works without it,
 * so a refusal or a missing API is logged and the operator runs. True when every object applied.
 */
export async function applyAtStart(client: KubeClient, spec: StartObjects, log: Logger): Promise<boolean> {
  const names: string[] = [];
  try {
    for (const obj of await spec.build(client)) {
      names.push(`${obj.kind}/${obj.metadata.name}`);
      await client.apply(obj, { fieldManager: spec.fieldManager, force: true });
    }
    log.info({ ...spec.context, objects: names }, `${spec.what} applied`);
    return true;
  } catch (err) {
    const expected = spec.expected?.(err);
    if (expected !== undefined) {
      log.warn({ ...spec.context, objects: names }, expected);
    } else {
      const tail = spec.withoutIt ? `: ${spec.withoutIt}` : '';
      log.error(
        { ...spec.context, objects: names, err: (err as Error).message },
        `could not apply ${spec.what}${tail}`,
      );
    }
    return false;
  }
}
