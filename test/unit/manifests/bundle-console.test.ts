/**
 * An OLM install gets the regional console's Service as `oc apply` of config/ with the
 * config/console component does: the same Service (ports, selector, service-ca serving-cert
 * annotation), and a Deployment that serves the port the Service targets and mounts the
 * certificate the annotation asks for where the console reads it. The console stays off until the
 * hub admin sets its variables in the Subscription.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { clusterServiceVersion, generateBundle, readRepoFile } from '../../../hack/bundle.js';
import { REPO_ROOT } from '../../../hack/manifests.js';
import { parseFlags } from '../../../src/runtime/flags.js';

interface Service {
  metadata: { name: string; namespace?: string; annotations?: Record<string, string> };
  spec: { selector: Record<string, string>; ports: { name: string; port: number; targetPort: string }[] };
}
interface Container {
  args?: string[];
  env?: { name: string; value?: string }[];
  ports?: { name: string; containerPort: number }[];
  volumeMounts?: { name: string; mountPath: string }[];
}
interface PodTemplate {
  metadata: { labels: Record<string, string> };
  spec: { containers: Container[]; volumes?: { name: string; secret?: { secretName: string } }[] };
}
interface Csv {
  spec: { install: { spec: { deployments: { spec: { template: PodTemplate } }[] } } };
}

const read = (path: string) => readFileSync(join(REPO_ROOT, path), 'utf8');
const configService = parse(read('config/console/service.yaml')) as Service;
const { namespace: _ns, ...configMetadata } = configService.metadata;
const component = read('config/console/kustomization.yaml');
const certDirArg = /--console-cert-dir=(\S+)/.exec(component)?.[1];

const bundle = generateBundle(readRepoFile);
const bundlePath = `olm-bundle/manifests/${configService.metadata.name}_v1_service.yaml`;
const csv = clusterServiceVersion(readRepoFile) as unknown as Csv;
const template = csv.spec.install.spec.deployments[0]?.spec.template;
const manager = template?.spec.containers[0];

describe('the OLM bundle serves the regional console like config/console', () => {
  it('carries config/console’s Service, ports and serving-cert annotation included (OLM sets the namespace)', () => {
    expect(
      configService.metadata.annotations?.['service.beta.openshift.io/serving-cert-secret-name'],
    ).toBeTruthy();
    const generated = bundle.get(bundlePath);
    expect(generated).toBeDefined();
    expect(parse(generated ?? '')).toEqual({ ...configService, metadata: configMetadata });
    // ...and the committed bundle is that file.
    expect(read(bundlePath)).toBe(generated);
  });

  it('gives the Deployment the port the Service targets, selected by the Service', () => {
    for (const [k, v] of Object.entries(configService.spec.selector))
      expect(template?.metadata.labels[k]).toBe(v);
    // config/console's bind address, which the hub admin sets as CONSOLE_BIND_ADDRESS.
    const listens = Number(/--console-bind-address=:(\d+)/.exec(component)?.[1]);
    for (const port of configService.spec.ports) {
      const served = manager?.ports?.find((p) => p.name === port.targetPort);
      expect(served?.containerPort).toBe(listens);
    }
  });

  it('mounts the service-ca Secret where the console reads its certificate, and leaves the console off', () => {
    const secretName =
      configService.metadata.annotations?.['service.beta.openshift.io/serving-cert-secret-name'];
    const volume = template?.spec.volumes?.find((v) => v.secret?.secretName === secretName);
    expect(volume).toBeDefined();
    const mount = manager?.volumeMounts?.find((m) => m.name === volume?.name);
    expect(certDirArg).toBeDefined();
    expect(mount?.mountPath).toBe(certDirArg);
    // The container's args and env, read the way the operator reads them.
    const env = Object.fromEntries((manager?.env ?? []).map((e) => [e.name, e.value]));
    const flags = parseFlags(manager?.args ?? [], env);
    expect(flags.consoleCertDir).toBe(certDirArg);
    // The Subscription's spec.config.env turns it on (docs/console.md), not the bundle.
    expect(flags.consoleBindAddress).toBe('');
    expect(
      parseFlags(manager?.args ?? [], { ...env, CONSOLE_BIND_ADDRESS: ':9443' }).consoleBindAddress,
    ).toBe(':9443');
  });
});
