/**
 * The reconcile as an ordered list of steps: the order the work happens in, and the gate that
 * stops before anything is read from the hub or written. The runtime here throws on any use, so a
 * stop that came too late would fail the test.
 */
import { describe, expect, it } from '@jest/globals';
import type { WriteContext } from '../../../../src/controllers/maestro/apply-objects.js';
import { CACHE_WAIT_MS, MCE_API_POLL_MS } from '../../../../src/controllers/maestro/constants.js';
import type { World } from '../../../../src/controllers/maestro/load-world.js';
import type { MaestroRuntime } from '../../../../src/controllers/maestro/maestro-runtime.js';
import type { Report } from '../../../../src/controllers/maestro/outcome.js';
import {
  DISABLED_STEPS,
  ENABLED_STEPS,
  GATE_STEPS,
  runSteps,
} from '../../../../src/controllers/maestro/steps/index.js';

/** A runtime whose every property access throws, except the paths `allowed` gives. */
function untouchable(allowed: Record<string, unknown> = {}): MaestroRuntime {
  return new Proxy(allowed, {
    get(target, prop) {
      if (prop in target) return target[prop as string];
      throw new Error(`the runtime was used: ${String(prop)}`);
    },
  }) as unknown as MaestroRuntime;
}

const ctx = { log: { debug: () => undefined }, writes: { count: 0 } } as unknown as WriteContext;

const mce = (opts: { enabled?: boolean; version?: string } = {}) => ({
  apiVersion: 'multicluster.openshift.io/v1',
  kind: 'MultiClusterEngine',
  metadata: { name: 'multiclusterengine', uid: 'u1' },
  spec: { overrides: { components: [{ name: 'maestro', enabled: opts.enabled ?? true }] } },
  ...(opts.version ? { status: { currentVersion: opts.version } } : {}),
});

function world(mceState: World['mce'], maestroSpec?: unknown): World {
  return {
    mce: mceState,
    maestro:
      maestroSpec === undefined
        ? undefined
        : { apiVersion: 'x/v1', kind: 'Maestro', metadata: { name: 'maestro' }, spec: maestroSpec },
    owned: [],
  } as unknown as World;
}

const present = (m: ReturnType<typeof mce>): World['mce'] =>
  ({ kind: 'Present', mce: m, status: undefined }) as unknown as World['mce'];

describe('the Maestro reconcile steps', () => {
  it('run in the order the work happens', () => {
    expect(GATE_STEPS.map((s) => s.name)).toEqual(['mce-api', 'coexistence', 'settings']);
    expect(ENABLED_STEPS.map((s) => s.name)).toEqual([
      'operand-secrets',
      'hub-validation',
      'material',
      'desired-state',
      'apply-operands',
      'wire-cluster-manager',
      'set-transport',
      'prune-unwanted',
      'operand-readiness',
    ]);
    expect(DISABLED_STEPS.map((s) => s.name)).toEqual([
      'operand-secrets',
      'drain-to-kube',
      'release-cluster-manager',
      'remove-installation',
    ]);
  });

  it('wait for the MultiClusterEngine API without touching anything', async () => {
    const report: Report = {};
    const result = await runSteps({ world: world({ kind: 'NotServed' }), rt: untouchable(), ctx, report });
    expect(result).toEqual({ requeueAfter: MCE_API_POLL_MS });
    expect(report.outcome).toEqual({ kind: 'WaitingForMceApi' });
  });

  it('stop next to an MCE that runs its own Maestro', async () => {
    const report: Report = {};
    const result = await runSteps({
      world: world(present(mce({ version: '2.17.0' }))),
      rt: untouchable(),
      ctx,
      report,
    });
    expect(result).toEqual({});
    expect(report.outcome).toMatchObject({ kind: 'Blocked', enabled: true, reason: 'MceManagesMaestro' });
  });

  it('stop on invalid settings, enabled or not, before any Secret is read', async () => {
    for (const enabled of [true, false]) {
      const report: Report = {};
      const result = await runSteps({
        world: world(present(mce({ enabled })), { transport: 'pigeon' }),
        rt: untouchable(),
        ctx,
        report,
      });
      expect(result).toEqual({});
      expect(report.outcome).toMatchObject({ kind: 'InvalidSpec', enabled });
    }
  });

  it('wait for the operand namespace Secrets on both branches, with no outcome yet', async () => {
    const asked: string[] = [];
    const rt = untouchable({
      caches: { secrets: { in: (ns: string) => (asked.push(ns), undefined) } },
    });
    for (const w of [world(present(mce()), {}), world({ kind: 'Absent', message: 'none' }, {})]) {
      const report: Report = {};
      expect(await runSteps({ world: w, rt, ctx, report })).toEqual({ requeueAfter: CACHE_WAIT_MS });
      expect(report.outcome).toBeUndefined();
    }
    expect(asked).toEqual(['maestro', 'maestro']);
  });
});
