import { describe, expect, it } from '@jest/globals';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeClient, sharedInformer, trimObject, type KubeObject } from '../../../src/runtime/index.js';

/** A client that is never used to send (no nock here: it would stay active in this worker). */
function client(): KubeClient {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: 'https://k8s.test', skipTLSVerify: false }],
    users: [{ name: 'u', token: 't' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  return new KubeClient({ kubeConfig: kc });
}

const mce = { apiVersion: 'multicluster.openshift.io/v1', kind: 'MultiClusterEngine' };

describe('sharedInformer', () => {
  it('gives every caller of one API server and kind the same informer, and other selectors or servers their own', () => {
    const c = client();
    const a = sharedInformer({ client: c, ...mce, transform: trimObject });
    expect(sharedInformer({ client: c, ...mce, transform: trimObject })).toBe(a);
    expect(sharedInformer({ client: c, ...mce, labelSelector: 'x=y', transform: trimObject })).not.toBe(a);
    expect(sharedInformer({ client: client(), ...mce, transform: trimObject })).not.toBe(a);
  });

  it('refuses a second caller that trims differently, which would read fields the cache does not hold', () => {
    const c = client();
    sharedInformer({ client: c, ...mce, transform: trimObject });
    expect(() => sharedInformer({ client: c, ...mce, transform: (o: KubeObject) => o })).toThrow(
      /two different trims/,
    );
    expect(() => sharedInformer({ client: c, ...mce, transform: trimObject, metadataOnly: true })).toThrow(
      /two different trims/,
    );
  });

  it('hands out a new informer once the shared one was stopped', async () => {
    const c = client();
    const a = sharedInformer({ client: c, ...mce, transform: trimObject });
    await a.stop();
    expect(a.stopped).toBe(true);
    const b = sharedInformer({ client: c, ...mce, transform: trimObject });
    expect(b).not.toBe(a);
    expect(b.stopped).toBe(false);
  });
});
