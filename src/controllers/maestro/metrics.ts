/**
 * Maestro health for dashboards and the "Maestro unavailable" alert: `mce_maestro_available` is 1
 * or 0 while the MCE enables Maestro and absent otherwise (an alert on a disabled component would
 * be noise); `mce_maestro_enabled` says whether it is enabled at all.
 */
import { Gauge } from 'prom-client';
import { registry } from '../../runtime/index.js';
import type { Outcome } from './outcome.js';

export const maestroEnabled = new Gauge({
  name: 'mce_maestro_enabled',
  help: 'Whether the MultiClusterEngine enables the maestro component (1) or not (0).',
  registers: [registry],
});

export const maestroAvailable = new Gauge({
  name: 'mce_maestro_available',
  help: 'Whether Maestro is available (1) or not (0); absent while the component is disabled.',
  // A label, so the series can be removed: an unlabelled prom-client gauge always reports a value.
  labelNames: ['component'] as const,
  registers: [registry],
});

const MAESTRO = { component: 'maestro' } as const;

/** Updates both gauges from a reconcile's outcome and the Available condition it led to. */
export function recordMaestroHealth(outcome: Outcome, available: boolean): void {
  switch (outcome.kind) {
    case 'Enabled':
      maestroEnabled.set(1);
      maestroAvailable.set(MAESTRO, available ? 1 : 0);
      return;
    case 'Disabled':
      maestroEnabled.set(0);
      maestroAvailable.remove(MAESTRO);
      return;
    default:
      // Waiting or invalid settings: availability is whatever the operands last showed.
      if ('enabled' in outcome) maestroEnabled.set(outcome.enabled ? 1 : 0);
  }
}
