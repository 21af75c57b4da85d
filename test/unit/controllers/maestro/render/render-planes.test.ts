/**
 * Every rendered object lands on the plane it always did. Render used to name each object's plane
 * itself; production now asks the plane table (`planeFor`). The snapshot was recorded from the
 * explicit per-object field, before the table took over, so it proves the move changed nothing.
 */
import { describe, expect, it } from '@jest/globals';
import { planeFor } from '../../../../../src/api/planes.js';
import { renderMaestro, type RenderResult } from '../../../../../src/controllers/maestro/render/index.js';
import { EXTERNAL_BROKER_YAML, EXTERNAL_DB, renderInput } from './fixtures.js';

type Case = {
  transport: 'grpc' | 'mqtt';
  database: 'Embedded' | 'External';
  broker: 'Embedded' | 'External';
  routes: boolean;
  serviceMonitors: boolean;
  sameApiServerAsMce: boolean;
};

const cases: Case[] = [];
for (const transport of ['grpc', 'mqtt'] as const)
  for (const database of ['Embedded', 'External'] as const)
    for (const broker of transport === 'mqtt' ? (['Embedded', 'External'] as const) : (['Embedded'] as const))
      for (const routes of [true, false])
        for (const serviceMonitors of [true, false])
          for (const sameApiServerAsMce of [true, false])
            cases.push({ transport, database, broker, routes, serviceMonitors, sameApiServerAsMce });

function render(c: Case): RenderResult {
  return renderMaestro(
    renderInput({
      spec: {
        transport: c.transport,
        database:
          c.database === 'External' ? { type: 'External', external: { secretRef: { name: 'ext-db' } } } : {},
        ...(c.broker === 'External'
          ? { broker: { type: 'External', external: { secretRef: { name: 'ext-broker' } } } }
          : {}),
      },
      routes: c.routes,
      openshift: c.routes,
      serviceMonitors: c.serviceMonitors,
      sameApiServerAsMce: c.sameApiServerAsMce,
      external: {
        ...(c.database === 'External' ? { database: EXTERNAL_DB } : {}),
        ...(c.broker === 'External' ? { broker: { 'config.yaml': EXTERNAL_BROKER_YAML } } : {}),
      },
    }),
  );
}

/** `plane Kind namespace/name`, with the plane production writes to. */
function placements(result: RenderResult): string[] {
  return result.objects.map(
    (o) =>
      `${planeFor(o.object)} ${o.object.kind} ${o.object.metadata.namespace ?? ''}/${o.object.metadata.name}`,
  );
}

describe('the plane of every rendered object', () => {
  it.each(cases)('%o', (c) => {
    const result = render(c);
    expect(result.objects.length).toBeGreaterThan(5);
    expect(placements(result)).toMatchSnapshot();
  });

  it('keeps the operands on the control plane in a namespace the table gives to the data plane', () => {
    const result = renderMaestro(renderInput({ spec: { namespace: 'open-cluster-management-hub' } }));
    expect(placements(result)).toMatchSnapshot();
  });

  it('puts the conductor configuration on the data plane and the operands on the control plane', () => {
    const all = placements(render(cases[0] as Case));
    expect(all).toContain('data ConfigMap open-cluster-management-hub/grpc-server-config');
    expect(all).toContain('control Deployment maestro/maestro');
    expect(all).toContain('control Namespace /maestro');
  });
});
