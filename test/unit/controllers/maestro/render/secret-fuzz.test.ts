/**
 * Hostile input (issue 13, finding 7 and "Also"): thousands of generated Maestro and AgentRollout
 * specs and external database and broker Secrets. Nothing throws, and no value read from a Secret
 * appears in an error (errors go to status, Events and logs). Every Secret value carries a canary;
 * a message that contains it has quoted the Secret.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { agentRolloutSpecSchema } from '../../../../../src/api/agentrollout.js';
import {
  parseExternalBroker,
  parseExternalDatabase,
} from '../../../../../src/controllers/maestro/render/external-secrets.js';
import {
  formatFieldError,
  parseMaestroSpec,
  renderMaestro,
  validateMaestroSettings,
} from '../../../../../src/controllers/maestro/render/index.js';
import { validateRolloutPolicy } from '../../../../../src/rollout/validate.js';
import { EXTERNAL_BROKER_YAML, EXTERNAL_DB, renderInput } from './fixtures.js';

const CANARY = 'Zq7CANARYx9';
const runs = { numRuns: 2_000 };

/** A string with the canary somewhere in it (possibly cut by YAML-breaking characters around it). */
const secretValue = fc
  .tuple(fc.string({ maxLength: 12 }), fc.constantFrom('', '\n', '"', "'", ': ', '\t', '- ', '{', '&a *a'))
  .map(([s, noise]) => `${s}${noise}${CANARY}${noise}${s}`);

/** Mutations that break YAML in the ways people do: unbalanced quotes, tabs, bad indents, aliases. */
const yamlBreakers = [
  '"',
  "'",
  '\t',
  '\n  - ',
  ': : ',
  '{',
  ']',
  '*undefined',
  '&x [*x]',
  '%YAML 9\n',
  '\u0000',
  '? ',
  '|\n x',
];
const brokerYaml = fc.oneof(
  // A valid document whose values carry the canary, then broken at a random place.
  fc
    .tuple(
      fc.constantFrom(...yamlBreakers),
      fc.nat(),
      fc.record({ username: secretValue, password: secretValue, brokerHost: secretValue }),
    )
    .map(([breaker, at, creds]) => {
      const text = `${EXTERNAL_BROKER_YAML}username: ${creds.username}\npassword: ${creds.password}\nbrokerHost: ${creds.brokerHost}\n`;
      const i = at % (text.length + 1);
      return `${text.slice(0, i)}${breaker}${text.slice(i)}`;
    }),
  // Topics and hosts that are wrong in themselves.
  fc
    .tuple(secretValue, secretValue)
    .map(
      ([topic, host]) =>
        `brokerHost: ${JSON.stringify(host)}\ntopics:\n  sourceEvents: ${JSON.stringify(topic)}\n  agentEvents: ${JSON.stringify(`sources/maestro/consumers/${topic}/agentevents`)}\n`,
    ),
  secretValue,
);
const databaseSecret = fc.dictionary(
  fc.constantFrom(
    'db.host',
    'db.port',
    'db.user',
    'db.password',
    'db.name',
    'db.sslmode',
    'db.rootcert',
    'x',
  ),
  secretValue,
);

describe('hostile Secret contents', () => {
  it('never reach an error message from the external database parser', () => {
    fc.assert(
      fc.property(fc.option(databaseSecret, { nil: null }), (data) => {
        const r = parseExternalDatabase('spec.database.external.secretRef.name', 'pg', data);
        if (!r.ok) for (const e of r.errors) expect(e.message).not.toContain(CANARY);
      }),
      runs,
    );
  });

  it('never reach an error message from the external broker parser, whatever the YAML', () => {
    let broken = 0;
    fc.assert(
      fc.property(brokerYaml, (text) => {
        const r = parseExternalBroker('spec.broker.external.secretRef.name', 'mqtt', { 'config.yaml': text });
        if (!r.ok) {
          broken++;
          for (const e of r.errors) expect(e.message).not.toContain(CANARY);
        }
      }),
      runs,
    );
    // The generator does produce invalid Secrets (else the assertion above would prove nothing).
    expect(broken).toBeGreaterThan(runs.numRuns / 2);
  });

  it('a YAML syntax error names the place, not the text', () => {
    const r = parseExternalBroker('f', 'mqtt', { 'config.yaml': `password: "${CANARY}\nbrokerHost: x\n` });
    expect(r.ok).toBe(false);
    const message = r.ok ? '' : (r.errors[0]?.message ?? '');
    expect(message).toMatch(/config\.yaml is not YAML \([A-Z_]+ at line \d+, column \d+\)/);
    expect(message).not.toContain(CANARY);
  });

  it('never reach the validation messages of a whole render, nor crash it', () => {
    const spec = {
      transport: 'mqtt',
      database: { type: 'External', external: { secretRef: { name: 'pg' } } },
      broker: { type: 'External', external: { secretRef: { name: 'mqtt' } } },
    } as const;
    fc.assert(
      fc.property(fc.option(databaseSecret, { nil: null }), brokerYaml, (db, yaml) => {
        const input = renderInput({
          spec,
          external: { database: db ? { ...EXTERNAL_DB, ...db } : db, broker: { 'config.yaml': yaml } },
        });
        const errors = validateMaestroSettings(input).map(formatFieldError);
        for (const e of errors) expect(e).not.toContain(CANARY);
        if (errors.length === 0) expect(renderMaestro(input).objects.length).toBeGreaterThan(0);
      }),
      { numRuns: 500 },
    );
  });
});

describe('generated specs', () => {
  it('never crash the Maestro settings parser', () => {
    const near = fc.record(
      {
        namespace: fc.oneof(fc.string(), fc.constant('maestro')),
        transport: fc.oneof(fc.constantFrom('grpc', 'mqtt', 'kube'), fc.anything()),
        retainDataOnDisable: fc.anything(),
        server: fc.oneof(fc.record({ replicas: fc.oneof(fc.integer(), fc.anything()) }), fc.anything()),
        database: fc.anything(),
        broker: fc.anything(),
        images: fc.dictionary(fc.constantFrom('maestro', 'postgresql', 'mosquitto'), fc.string()),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(fc.anything(), near), (raw) => {
        const r = parseMaestroSpec(raw);
        if (!r.ok) expect(r.errors.length).toBeGreaterThan(0);
      }),
      runs,
    );
  });

  it('never crash the AgentRollout spec schema or the rollout policy compiler', () => {
    const near = fc.record(
      {
        target: fc.oneof(
          fc.record({ klusterlet: fc.record({ version: fc.string() }) }),
          fc.record({ transport: fc.record({ type: fc.constantFrom('grpc', 'kube', 'mqtt', 'x') }) }),
          fc.anything(),
        ),
        placementRef: fc.oneof(fc.record({ name: fc.string() }), fc.anything()),
        rolloutStrategy: fc.oneof(
          fc.record({ type: fc.constantFrom('All', 'Progressive', 'ProgressivePerGroup', 'Nope') }),
          fc.anything(),
        ),
        maintenanceWindows: fc.array(
          fc.record(
            { rrule: fc.string(), duration: fc.string(), timeZone: fc.string() },
            { requiredKeys: [] },
          ),
        ),
        failurePolicy: fc.anything(),
      },
      { requiredKeys: [] },
    );
    let accepted = 0;
    fc.assert(
      fc.property(fc.oneof(fc.anything(), near), (raw) => {
        const parsed = agentRolloutSpecSchema.safeParse(raw);
        const policy = validateRolloutPolicy(raw);
        if (parsed.success) accepted++;
        expect(typeof policy.ok).toBe('boolean');
      }),
      runs,
    );
    expect(accepted).toBeLessThan(runs.numRuns);
  });
});
