import { describe, expect, it } from '@jest/globals';
import { maestroConditions } from '../../../../src/controllers/maestro/conditions.js';
import {
  eventFor,
  nextStatus,
  statusChanged,
  transitions,
} from '../../../../src/controllers/maestro/maestro-status.js';
import {
  componentEntry,
  componentsOf,
  findEntry,
  sameEntry,
  withEntry,
} from '../../../../src/controllers/maestro/mce-status.js';
import type { FinishedReport, Outcome } from '../../../../src/controllers/maestro/outcome.js';
import type { ConditionInput } from '../../../../src/runtime/index.js';

const NOW = new Date('2026-05-01T10:00:00Z');
const LATER = new Date('2026-05-01T10:05:00Z');
const NO_ADDON = { served: true, present: false };
const rendered = {
  transport: 'grpc' as const,
  databaseType: 'Embedded' as const,
  databaseSslmode: 'verify-full' as const,
  endpoints: { rest: 'http://maestro.maestro.svc:8000', grpc: 'maestro-grpc.maestro.svc:8090' },
};
const ready = { settled: true, available: true, waiting: [] };
const enabled = (o: Partial<Extract<Outcome, { kind: 'Enabled' }>> = {}): FinishedReport => ({
  outcome: {
    kind: 'Enabled',
    rendered,
    operands: ready,
    clusterManagerWired: true,
    drain: { kind: 'NotNeeded' },
    ...o,
  },
});
const disabled = (o: Partial<Extract<Outcome, { kind: 'Disabled' }>> = {}): FinishedReport => ({
  outcome: {
    kind: 'Disabled',
    reason: 'ComponentDisabled',
    message: 'MultiClusterEngine mce disables the maestro component',
    remaining: [],
    retained: [],
    drain: { kind: 'NotNeeded' },
    ...o,
  },
});
const byType = (inputs: ConditionInput[]) =>
  Object.fromEntries(inputs.map((c) => [c.type, `${c.status}/${c.reason}`]));

describe('maestroConditions', () => {
  it.each<[string, FinishedReport, Record<string, string>]>([
    [
      'enabled and ready',
      enabled(),
      {
        Available: 'True/Available',
        Progressing: 'False/Reconciled',
        Degraded: 'False/AsExpected',
        LegacyAddonDetected: 'False/AddonAbsent',
        InsecureDatabaseConnection: 'False/TlsEnabled',
      },
    ],
    [
      'enabled, rolling out',
      enabled({
        operands: { settled: false, available: false, waiting: ['Deployment maestro/maestro 0/1 available'] },
      }),
      {
        Available: 'False/OperandsUnavailable',
        Progressing: 'True/Reconciling',
        Degraded: 'False/AsExpected',
        LegacyAddonDetected: 'False/AddonAbsent',
        InsecureDatabaseConnection: 'False/TlsEnabled',
      },
    ],
    [
      'grpc without the ClusterManager wired',
      enabled({ clusterManagerWired: false }),
      {
        Available: 'False/OperandsUnavailable',
        Progressing: 'False/Reconciled',
        Degraded: 'False/AsExpected',
        LegacyAddonDetected: 'False/AddonAbsent',
        InsecureDatabaseConnection: 'False/TlsEnabled',
      },
    ],
    [
      'disabled, draining',
      disabled({ drain: { kind: 'Waiting', message: 'waiting for 2 clusters to move back to kube' } }),
      {
        Available: 'False/ComponentDisabled',
        Progressing: 'True/Removing',
        Degraded: 'False/AsExpected',
        LegacyAddonDetected: 'False/AddonAbsent',
      },
    ],
    [
      'disabled, done',
      disabled(),
      {
        Available: 'False/ComponentDisabled',
        Progressing: 'False/Reconciled',
        Degraded: 'False/AsExpected',
        LegacyAddonDetected: 'False/AddonAbsent',
      },
    ],
    [
      'no MCE API',
      { outcome: { kind: 'WaitingForMceApi' } },
      {
        Available: 'False/MultiClusterEngineNotFound',
        Progressing: 'True/Reconciling',
        Degraded: 'False/AsExpected',
        LegacyAddonDetected: 'False/AddonAbsent',
      },
    ],
    [
      'an apply failed',
      { ...enabled(), failure: 'apply Deployment/maestro/maestro: boom' },
      {
        Available: 'True/Available',
        Progressing: 'False/Reconciled',
        Degraded: 'True/ApplyFailed',
        LegacyAddonDetected: 'False/AddonAbsent',
        InsecureDatabaseConnection: 'False/TlsEnabled',
      },
    ],
  ])('%s', (_name, report, expected) => {
    expect(byType(maestroConditions(report, NO_ADDON, () => false))).toEqual(expected);
  });

  it('names the field of an invalid spec and leaves Available/Progressing alone when present', () => {
    const report: FinishedReport = {
      outcome: {
        kind: 'InvalidSpec',
        enabled: true,
        errors: [{ field: 'spec.database.external.secretRef.name', message: 'secret "pg" not found' }],
      },
    };
    const conditions = maestroConditions(report, NO_ADDON, () => true);
    expect(conditions.map((c) => c.type)).toEqual(['Degraded', 'LegacyAddonDetected']);
    expect(conditions[0]).toMatchObject({
      status: 'True',
      reason: 'InvalidSpec',
      message:
        'spec.database.external.secretRef.name: secret "pg" not found (nothing was changed or removed)',
    });
  });

  it('warns when the database connection has TLS disabled, and says how to turn it on', () => {
    const insecure = enabled({
      rendered: { ...rendered, databaseType: 'External', databaseSslmode: 'disable' },
    });
    const c = maestroConditions(insecure, NO_ADDON, () => false).find(
      (x) => x.type === 'InsecureDatabaseConnection',
    );
    expect(c).toMatchObject({ status: 'True', reason: 'ExplicitlyDisabled' });
    expect(c?.message).toContain('db.sslmode=disable');
    expect(c?.message).toContain('db.rootcert');
    const [t] = transitions([], nextStatus({}, insecure, NO_ADDON, 1, NOW).conditions ?? []).filter(
      (x) => x.type === 'InsecureDatabaseConnection',
    );
    expect(t && eventFor(t)).toMatchObject({ type: 'Warning', reason: 'ExplicitlyDisabled' });
  });

  it('reports the legacy add-on', () => {
    const c = maestroConditions(enabled(), { served: true, present: true }, () => false).find(
      (x) => x.type === 'LegacyAddonDetected',
    );
    expect(c).toMatchObject({ status: 'True', reason: 'AddonPresent' });
  });
});

describe('nextStatus and transitions', () => {
  it('keeps lastTransitionTime while a status holds, and reports each transition once', () => {
    const first = nextStatus(
      {},
      enabled({ operands: { settled: false, available: false, waiting: ['x'] } }),
      NO_ADDON,
      3,
      NOW,
    );
    expect(first).toMatchObject({ observedGeneration: 3, transport: 'grpc', databaseType: 'Embedded' });
    expect(transitions([], first.conditions ?? []).map((c) => c.reason)).toEqual([
      'OperandsUnavailable',
      'Reconciling',
    ]);

    const second = nextStatus(first, enabled(), NO_ADDON, 3, LATER);
    const t = transitions(first.conditions ?? [], second.conditions ?? []);
    expect(t.map((c) => `${c.type}=${c.reason}`)).toEqual(['Available=Available', 'Progressing=Reconciled']);
    const degraded = second.conditions?.find((c) => c.type === 'Degraded');
    expect(degraded?.lastTransitionTime).toBe('2026-05-01T10:00:00Z');
    expect(second.conditions?.find((c) => c.type === 'Available')?.lastTransitionTime).toBe(
      '2026-05-01T10:05:00Z',
    );

    const third = nextStatus(second, enabled(), NO_ADDON, 3, new Date('2026-05-01T11:00:00Z'));
    expect(statusChanged(second, third)).toBe(false);
    expect(transitions(second.conditions ?? [], third.conditions ?? [])).toEqual([]);
  });

  it('drops endpoints when disabled', () => {
    const s = nextStatus({}, disabled(), NO_ADDON, 1, NOW);
    expect(s.endpoints).toBeUndefined();
    expect(s.transport).toBeUndefined();
  });

  it('makes Warning events only for problems', () => {
    const [degraded] = transitions(
      [],
      nextStatus({}, { ...enabled(), failure: 'x' }, NO_ADDON, 1, NOW).conditions ?? [],
    ).filter((c) => c.type === 'Degraded');
    expect(degraded && eventFor(degraded)).toMatchObject({
      type: 'Warning',
      reason: 'ApplyFailed',
      action: 'Reconcile',
    });
    const [available] = nextStatus({}, enabled(), NO_ADDON, 1, NOW).conditions ?? [];
    expect(available && eventFor(available)).toMatchObject({ type: 'Normal', reason: 'Available' });
  });
});

describe('the MCE component entry', () => {
  const available = (status: 'True' | 'False', reason: string): ConditionInput => ({
    type: 'Available',
    status,
    reason,
    message: 'm',
  });

  it('mirrors Available when enabled', () => {
    expect(componentEntry(enabled(), available('True', 'Available'), undefined, NOW)).toEqual({
      name: 'maestro',
      kind: 'Deployment',
      type: 'Available',
      status: 'True',
      reason: 'Available',
      message: 'Maestro is available (transport grpc)',
      lastTransitionTime: '2026-05-01T10:00:00Z',
    });
  });

  it('reads like backplane-operator ToggledOffStatus when disabled', () => {
    expect(componentEntry(disabled(), undefined, undefined, NOW)).toMatchObject({
      kind: 'Component',
      type: 'NotPresent',
      status: 'True',
      reason: 'ComponentDisabled',
      message: 'No resources present',
    });
    expect(
      componentEntry(disabled({ remaining: ['Deployment maestro/maestro'] }), undefined, undefined, NOW),
    ).toMatchObject({
      type: 'Uninstalled',
      status: 'False',
      reason: 'ResourcesPresent',
      message: 'The following resources remain: <Deployment maestro/maestro>',
    });
  });

  it('is absent without an MCE', () => {
    expect(
      componentEntry({ outcome: { kind: 'WaitingForMceApi' } }, undefined, undefined, NOW),
    ).toBeUndefined();
    expect(
      componentEntry(disabled({ reason: 'MultiClusterEngineNotFound' }), undefined, undefined, NOW),
    ).toBeUndefined();
  });

  it('keeps lastTransitionTime while type and status hold, and a detail change is no write', () => {
    const first = componentEntry(enabled(), available('False', 'OperandsUnavailable'), undefined, NOW);
    if (!first) throw new Error('no entry');
    const asRecord = { ...first } as Record<string, unknown>;
    const detail = componentEntry(
      enabled(),
      { ...available('False', 'OperandsUnavailable'), message: 'other' },
      asRecord,
      LATER,
    );
    expect(detail && sameEntry(asRecord, detail)).toBe(true);
    const failed = componentEntry(
      { ...enabled(), failure: 'x' },
      available('False', 'ApplyFailed'),
      asRecord,
      LATER,
    );
    if (!failed) throw new Error('no entry');
    expect(failed.lastTransitionTime).toBe(first.lastTransitionTime);
    expect(sameEntry(asRecord, failed)).toBe(false);
    const flipped = componentEntry(enabled(), available('True', 'Available'), asRecord, LATER);
    expect(flipped?.lastTransitionTime).toBe('2026-05-01T10:05:00Z');
  });

  it('replaces or appends only our entry', () => {
    const others = [
      { name: 'cluster-manager', kind: 'Deployment', type: 'Available', status: 'True' },
      { name: 'hive', kind: 'Deployment', type: 'Available', status: 'False' },
    ];
    const entry = componentEntry(enabled(), available('True', 'Available'), undefined, NOW);
    if (!entry) throw new Error('no entry');
    const added = withEntry(others, entry);
    expect(added.slice(0, 2)).toEqual(others);
    expect(findEntry(added)).toEqual(entry);
    const replaced = withEntry([others[0] ?? {}, { name: 'maestro', type: 'x' }, others[1] ?? {}], entry);
    expect(replaced).toEqual([others[0], entry, others[1]]);
    expect(componentsOf({ components: added, phase: 'Available' })).toEqual(added);
    expect(componentsOf(undefined)).toEqual([]);
  });
});
