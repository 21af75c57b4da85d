/**
 * Whether an agent registered over gRPC, read from the agents' CertificateSigningRequests on a real
 * API server, as OCM's gRPC server creates them (signer `open-cluster-management.io/grpc`, the
 * cluster-name label) and its registration controller signs them: only a signed CSR of that signer
 * counts, and the transport driver's diagnosis for a cluster stuck after the switch names the
 * admin step until one is signed.
 */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CSR_API_VERSION, CSR_CLUSTER_LABEL, GRPC_SIGNER } from '../../../src/api/upstream/ocm.js';
import {
  GRPC_REREGISTRATION_STEP,
  notRegisteredOverGrpc,
} from '../../../src/controllers/rollout/drivers/transport.js';
import { RolloutInformers } from '../../../src/controllers/rollout/world.js';
import { KubeClient, silentLogger, type KubeObject } from '../../../src/runtime/index.js';
import { startControlPlane, type ControlPlane } from '../../harness/control-plane.js';
import { eventually } from '../../harness/eventually.js';
import { createControlPlanePki } from '../../harness/pki.js';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[1]);
const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

let cp: ControlPlane;
let client: KubeClient;
let world: RolloutInformers;
let certificate: string;

/** A CSR as an agent's registration asks for one: PEM request, client auth, the cluster's label. */
async function createCsr(name: string, cluster: string, signerName: string): Promise<void> {
  const keys = await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']);
  const request = await x509.Pkcs10CertificateRequestGenerator.create({
    name: `CN=system:open-cluster-management:${cluster}:agent`,
    keys,
    signingAlgorithm: ALG,
  });
  await client.create({
    apiVersion: CSR_API_VERSION,
    kind: 'CertificateSigningRequest',
    metadata: { name, labels: { [CSR_CLUSTER_LABEL]: cluster } },
    spec: {
      request: Buffer.from(request.toString('pem')).toString('base64'),
      signerName,
      usages: ['digital signature', 'key encipherment', 'client auth'],
    },
  } as KubeObject);
}

/** Approves and signs a CSR, as OCM's registration controller does for its signers. */
async function sign(name: string): Promise<void> {
  const ref = { apiVersion: CSR_API_VERSION, kind: 'CertificateSigningRequest', name };
  const csr = await client.get<KubeObject & { status?: Record<string, unknown> }>(ref);
  if (!csr) throw new Error(`CSR ${name} not found`);
  const approved = {
    type: 'Approved',
    status: 'True',
    reason: 'Test',
    message: 'approved by the test',
    lastUpdateTime: new Date().toISOString(),
  };
  const withApproval = await client.update(
    { ...csr, status: { conditions: [approved] } },
    { subresource: 'approval' },
  );
  await client.update(
    {
      ...withApproval,
      status: {
        ...(withApproval as { status?: object }).status,
        certificate: Buffer.from(certificate).toString('base64'),
      },
    },
    { subresource: 'status' },
  );
}

beforeAll(async () => {
  cp = await startControlPlane({ name: 'grpc-registration', upstreamCrds: false, ownCrds: false });
  client = new KubeClient({ kubeConfig: cp.kubeConfig() });
  certificate = (await createControlPlanePki()).caCert;
  world = new RolloutInformers(client, silentLogger);
  world.csrs.start();
  expect(await world.csrs.waitForSync(AbortSignal.timeout(20_000))).toBe(true);
}, 300_000);

afterAll(async () => {
  await world?.csrs.stop();
  client?.close();
  await cp?.stop();
});

describe("agents' gRPC registration, from their CSRs (real API server)", () => {
  it('counts only a signed CSR of the gRPC signer for that cluster', async () => {
    const switchedAt = Date.now() - 5_000;
    // The CSR-era certificate, and a gRPC request not signed yet: not registered over gRPC.
    await createCsr('c1-csr-era', 'c1', 'kubernetes.io/kube-apiserver-client');
    await sign('c1-csr-era');
    await createCsr('c1-grpc', 'c1', GRPC_SIGNER);
    await createCsr('c2-grpc', 'c2', GRPC_SIGNER);
    await eventually(() => world.csrs.list().length === 3, { message: 'three CSRs cached' });
    expect(world.lastGrpcRegistration('c1')).toBeNull();
    expect(notRegisteredOverGrpc(world.lastGrpcRegistration('c1'), switchedAt)).toContain(
      GRPC_REREGISTRATION_STEP,
    );
    expect(GRPC_REREGISTRATION_STEP).toContain(
      'delete Secret open-cluster-management-agent/hub-kubeconfig-secret and then the klusterlet-agent pod',
    );

    await sign('c1-grpc');
    const registered = await eventually(() => world.lastGrpcRegistration('c1') ?? false, {
      message: "c1's gRPC CSR signed, in the cache",
    });
    expect(registered).toBeGreaterThanOrEqual(Math.floor(switchedAt / 1000) * 1000);
    expect(notRegisteredOverGrpc(registered, switchedAt)).toBeNull();
    // Another cluster's request says nothing about c1, and c2 is still unsigned.
    expect(world.lastGrpcRegistration('c2')).toBeNull();
    // The cache holds what the diagnosis reads, not the request or the certificate.
    const cached = world.csrs.get(undefined, 'c1-grpc') as KubeObject & { spec: object; status: object };
    expect(cached.spec).toEqual({ signerName: GRPC_SIGNER });
    expect(cached.status).toEqual({ issued: true });
  });

  it('does not count a gRPC certificate signed before the switch began', () => {
    const registered = world.lastGrpcRegistration('c1');
    expect(registered).not.toBeNull();
    expect(notRegisteredOverGrpc(registered, (registered ?? 0) + 60_000)).toMatch(
      /not registered over gRPC since/,
    );
  });
});
