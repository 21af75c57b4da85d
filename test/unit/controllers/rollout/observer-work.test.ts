import { describe, expect, it } from '@jest/globals';
import {
  FEEDBACK,
  feedbackValues,
  observerWork,
  singletonAgentRolledOut,
  SINGLETON_AGENT_DEPLOYMENT,
} from '../../../../src/controllers/rollout/drivers/observer-work.js';

const IMAGE = 'quay.io/stolostron/registration-operator:2.17.1';
const agent = (values: Partial<Record<keyof typeof FEEDBACK, string>>) =>
  new Map(Object.entries(values).map(([k, v]) => [FEEDBACK[k as keyof typeof FEEDBACK], v]));

describe('observer work', () => {
  it('reads the Singleton agent Deployment ReadOnly, beside the Klusterlet and its operator', () => {
    const work = observerWork('cluster1', {}) as {
      spec: { manifestConfigs: { resourceIdentifier: { name: string }; updateStrategy: { type: string } }[] };
    };
    const ids = work.spec.manifestConfigs.map((c) => c.resourceIdentifier.name);
    expect(ids).toEqual(['klusterlet', 'klusterlet', SINGLETON_AGENT_DEPLOYMENT]);
    expect(work.spec.manifestConfigs.every((c) => c.updateStrategy.type === 'ReadOnly')).toBe(true);
  });

  it('parses feedback values of every type', () => {
    const values = feedbackValues({
      status: {
        resourceStatus: {
          manifests: [
            {
              statusFeedback: {
                values: [
                  { name: FEEDBACK.agentImage, fieldValue: { type: 'String', string: IMAGE } },
                  { name: FEEDBACK.agentGeneration, fieldValue: { type: 'Integer', integer: 3 } },
                ],
              },
            },
          ],
        },
      },
    } as Parameters<typeof feedbackValues>[0]);
    expect(values.get(FEEDBACK.agentImage)).toBe(IMAGE);
    expect(values.get(FEEDBACK.agentGeneration)).toBe('3');
  });
});

describe('singletonAgentRolledOut', () => {
  const done = {
    agentImage: IMAGE,
    agentGeneration: '3',
    agentObservedGeneration: '3',
    agentUpdatedReplicas: '1',
    agentAvailableReplicas: '1',
  };
  it('holds once the agent runs the image at its generation with an available replica', () => {
    expect(singletonAgentRolledOut(agent(done), IMAGE)).toBe(true);
  });
  it('does not hold while the klusterlet operator has not replaced the agent yet', () => {
    expect(
      singletonAgentRolledOut(agent({ ...done, agentImage: IMAGE.replace('2.17.1', '2.17.0') }), IMAGE),
    ).toBe(false);
    expect(singletonAgentRolledOut(agent({ ...done, agentObservedGeneration: '2' }), IMAGE)).toBe(false);
    expect(singletonAgentRolledOut(agent({ ...done, agentAvailableReplicas: '0' }), IMAGE)).toBe(false);
    expect(singletonAgentRolledOut(agent({ ...done, agentUpdatedReplicas: undefined }), IMAGE)).toBe(false);
  });
  it('holds when the cluster runs no Singleton agent (Default mode)', () => {
    expect(singletonAgentRolledOut(new Map(), IMAGE)).toBe(true);
  });
});
