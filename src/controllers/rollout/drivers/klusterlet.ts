/**
 * Klusterlet version rollouts. Per cluster: point the klusterlet-config slot at a derived
 * KlusterletConfig whose `registries` pin the hub's images to the target images; the import
 * controller re-renders `<cluster>-klusterlet` and the work agent upgrades the klusterlet.
 * Success: that work Applied and Available at its new generation, the observer work's feedback
 * showing the target images on the Klusterlet and the operator Deployment with the Klusterlet
 * Available, and the ManagedCluster Available through minSuccessTime. Rollback switches the slot
 * back to the pin recorded before the change.
 */
import type { KlusterletImages, KlusterletTarget } from '../../../api/agentrollout.js';
import type { ClusterStart } from '../../../rollout/index.js';
import { parsePin, pinValue, type VersionPin } from '../derived-config.js';
import { revisionOf } from '../revision.js';
import { versionSkewViolations } from '../version-skew.js';
import { clusterHealth, klusterletSkipReason, later } from './cluster-health.js';
import {
  compositionNow,
  ensureDerivedConfigs,
  previousValue,
  recordsOn,
  writeSlot,
} from './klusterlet-slot.js';
import {
  feedbackValues,
  observerWork,
  OBSERVER_WORK_NAME,
  singletonAgentRolledOut,
} from './observer-work.js';
import type { ClusterFacts, MatchTracker, TargetDriver } from './types.js';
import { workReadiness } from './work-status.js';

export interface KlusterletDriverInput {
  target: KlusterletTarget;
  /** The hub's images now (spec.target.klusterlet.hubImages, or detected); null if unknown. */
  hubImages: KlusterletImages | null;
  hubVersion: string | undefined;
}

export function klusterletDriver(input: KlusterletDriverInput): TargetDriver {
  const { target } = input;
  const pinFor = (hub: KlusterletImages): VersionPin => ({
    version: target.version,
    images: target.images,
    hubImages: hub,
  });

  const expectedImages = (facts: ClusterFacts): KlusterletImages | null => {
    if (!facts.state) return null;
    if (facts.state.direction === 'forward') return target.images;
    return parsePin(facts.state.previous)?.images ?? input.hubImages;
  };

  return {
    kind: 'klusterlet',

    async preflight(ctx) {
      const problems: string[] = [];
      if (!input.hubImages) {
        problems.push(
          'cannot tell which klusterlet images the hub renders: set spec.target.klusterlet.hubImages, ' +
            'or let the operator read the managedcluster-import-controller-v2 Deployment',
        );
      }
      const current = new Set<string>();
      for (const mc of ctx.clusters) {
        const pin = compositionNow(mc, ctx).pin;
        if (pin) current.add(pin.version);
        else if (input.hubVersion) current.add(input.hubVersion);
      }
      problems.push(
        ...versionSkewViolations(
          target.version,
          input.hubVersion,
          [...current],
          ctx.rollout.spec.versionSkewPolicy,
        ),
      );
      return problems;
    },

    observe(cluster, ctx, tracker: MatchTracker) {
      const { state, foreign } = recordsOn(cluster, 'klusterlet', ctx);
      const health = clusterHealth(ctx.world.managedCluster(cluster));
      const base: ClusterFacts = {
        state,
        foreign,
        observedRevision: null,
        healthy: health.healthy,
        healthySince: health.healthySince,
        degraded: false,
        reachable: health.reachable,
        skipReason: klusterletSkipReason(ctx.world.managedCluster(cluster)),
        message: null,
      };
      if (!state) return { ...base, reachable: health.healthy };
      const expected = expectedImages(base);
      const feedback = feedbackValues(ctx.world.observerWork(cluster));
      const work = workReadiness(ctx.world.klusterletWork(cluster));
      const rerendered = state.workGeneration === undefined || (work.generation ?? 0) > state.workGeneration;
      const matches =
        expected !== null &&
        feedback.get('registrationImage') === expected.registration &&
        feedback.get('workImage') === expected.work &&
        feedback.get('operatorImage') === expected.registrationOperator &&
        feedback.get('klusterletAvailable') === 'True' &&
        singletonAgentRolledOut(feedback, expected.registrationOperator);
      const atTarget = matches && work.current && rerendered;
      const since = tracker.since(
        cluster,
        state.revision,
        state.direction,
        atTarget && health.healthy,
        ctx.now,
      );
      return {
        ...base,
        observedRevision: atTarget ? revisionOf(state) : null,
        healthySince: later(since, health.healthySince),
        degraded:
          work.failed || (work.current && rerendered && feedback.get('klusterletAvailable') === 'False'),
        message: work.message,
      };
    },

    async prepare(starts, facts, ctx) {
      await ensureDerivedConfigs(
        starts.map((s) => ({ ...compositionNow(s.name, ctx), pin: pinOf(s, facts.get(s.name)) })),
        ctx,
      );
    },

    async start(start, facts, ctx) {
      if (!ctx.world.observerWork(start.name)) {
        await ctx.client.apply(observerWork(start.name, ctx.labels) as never);
      }
      const comp = compositionNow(start.name, ctx);
      const pin = pinOf(start, facts);
      return writeSlot(
        start,
        'klusterlet',
        { ...comp, pin },
        pinValue(pin),
        previousValue(facts, pinValue(comp.pin)),
        ctx,
      );
    },
  };

  function pinOf(start: ClusterStart, facts: ClusterFacts | undefined): VersionPin | null {
    if (start.direction === 'rollback') return parsePin(facts?.state?.previous ?? '');
    return input.hubImages ? pinFor(input.hubImages) : null;
  }
}

export { OBSERVER_WORK_NAME };
