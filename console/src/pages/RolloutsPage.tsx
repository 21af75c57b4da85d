import {
  ActionGroup,
  Button,
  Card,
  CardBody,
  CardTitle,
  Content,
  Form,
  Grid,
  GridItem,
  Label,
  PageSection,
  Progress,
  ProgressSize,
  Title,
} from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { Fragment, useMemo, useState } from 'react';
import { ActionAlert } from '../components/ActionAlert';
import { SelectField } from '../components/SelectField';
import { TextField } from '../components/TextField';
import { useStore } from '../hooks';
import { actionResultSchema, createRolloutRequestSchema, PATHS, type RolloutSummary } from '../lib/contract';
import {
  failureOutcome,
  fieldHasError,
  successOutcome,
  validationOutcome,
  type Outcome,
} from '../lib/outcome';
import {
  buildCreateRollout,
  defaultAddOnConfig,
  defaultKlusterletImages,
  type UpdateForm,
  type UpdateKind,
} from '../lib/requests';
import { groupAwaitingApproval, mergeRollouts, percent, succeeded } from '../lib/rollouts';
import { regionName } from '../lib/store';

const PHASE_COLOR: Record<string, 'green' | 'blue' | 'orange' | 'red' | 'grey' | 'purple'> = {
  Succeeded: 'green',
  Progressing: 'blue',
  RollingBack: 'orange',
  Paused: 'orange',
  WaitingForApproval: 'purple',
  WaitingForWindow: 'purple',
  Failed: 'red',
  Aborted: 'red',
  RolledBack: 'grey',
  Pending: 'grey',
};

export function RolloutsPage() {
  const { store, version } = useStore();
  const [outcome, setOutcome] = useState<Outcome>();
  const [formOpen, setFormOpen] = useState(false);
  const rows = useMemo(
    () =>
      mergeRollouts(
        store.regions.map((r) => ({ region: regionName(r), rollouts: r.data.rollouts.values() })),
      ),
    // The store mutates in place; `version` says when.
    [store, version],
  );

  const act = async (
    region: string,
    rollout: RolloutSummary,
    action: 'pause' | 'resume' | 'approve' | 'rollback',
    group?: string,
  ) => {
    const r = store.byName(region);
    if (!r) return;
    try {
      const body = group !== undefined ? { action, group } : { action };
      const result = await store.call(
        r.id,
        PATHS.rolloutActions(rollout.namespace, rollout.name),
        actionResultSchema,
        { method: 'POST', body },
      );
      setOutcome(successOutcome(result, `${action} ${rollout.namespace}/${rollout.name}`));
    } catch (err) {
      setOutcome(failureOutcome(err, `${action} ${rollout.namespace}/${rollout.name}`));
    }
  };

  return (
    <>
      <PageSection>
        <Title headingLevel="h1">Rollouts</Title>
        <Content component="p">
          AgentRollouts of every signed-in region, live. Actions are the same patches as kubectl mce rollout,
          sent with your token.
        </Content>
        <Button
          data-testid="update-open"
          onClick={() => setFormOpen((o) => !o)}
          variant={formOpen ? 'secondary' : 'primary'}
        >
          {formOpen ? 'Close update form' : 'Update…'}
        </Button>
      </PageSection>
      <PageSection>
        <ActionAlert outcome={outcome} onClose={() => setOutcome(undefined)} />
        {formOpen && <UpdateFormCard onOutcome={setOutcome} />}
        {rows.length === 0 ? (
          <Content component="p">No rollouts in the signed-in regions.</Content>
        ) : (
          <Table aria-label="Rollouts" variant="compact">
            <Thead>
              <Tr>
                <Th>Region</Th>
                <Th>Rollout</Th>
                <Th>Target</Th>
                <Th>Placement</Th>
                <Th>Phase</Th>
                <Th>Progress</Th>
                <Th screenReaderText="Actions" />
              </Tr>
            </Thead>
            <Tbody>
              {rows.map(({ region, rollout }) => {
                const key = `${region}/${rollout.namespace}/${rollout.name}`;
                const done = succeeded(rollout);
                const waiting = groupAwaitingApproval(rollout);
                return (
                  <Fragment key={key}>
                    <Tr data-testid="rollout-row" data-rollout={key}>
                      <Td>{region}</Td>
                      <Td>
                        {rollout.namespace}/{rollout.name}
                      </Td>
                      <Td>{rollout.target}</Td>
                      <Td>{rollout.placement}</Td>
                      <Td>
                        <Label
                          color={PHASE_COLOR[rollout.phase ?? 'Pending'] ?? 'grey'}
                          data-testid="rollout-phase"
                        >
                          {rollout.phase ?? 'Pending'}
                        </Label>
                        {rollout.paused && rollout.phase !== 'Paused' ? ' (paused)' : ''}
                      </Td>
                      <Td style={{ minWidth: 220 }}>
                        <span data-testid="rollout-succeeded">{done}</span>/
                        <span data-testid="rollout-total">{rollout.total}</span> succeeded
                        {rollout.counts && rollout.counts.failed + rollout.counts.timedOut > 0
                          ? `, ${rollout.counts.failed + rollout.counts.timedOut} failed`
                          : ''}
                        <Progress
                          value={percent(done, rollout.total)}
                          size={ProgressSize.sm}
                          aria-label={`${key} progress`}
                        />
                      </Td>
                      <Td isActionCell>
                        {/* The four actions wrap two by two on narrow screens instead of overflowing. */}
                        <div style={{ display: 'flex', flexWrap: 'wrap', gap: 4, minWidth: 150 }}>
                          <Button
                            size="sm"
                            variant="secondary"
                            data-testid="rollout-pause"
                            onClick={() => void act(region, rollout, 'pause')}
                          >
                            Pause
                          </Button>
                          <Button
                            size="sm"
                            variant="secondary"
                            data-testid="rollout-resume"
                            onClick={() => void act(region, rollout, 'resume')}
                          >
                            Resume
                          </Button>
                          <Button
                            size="sm"
                            variant="primary"
                            data-testid="rollout-approve"
                            isDisabled={waiting === undefined}
                            onClick={() =>
                              waiting !== undefined && void act(region, rollout, 'approve', waiting)
                            }
                          >
                            {waiting !== undefined ? `Approve ${waiting || 'group'}` : 'Approve'}
                          </Button>
                          <Button
                            size="sm"
                            variant="danger"
                            data-testid="rollout-rollback"
                            onClick={() => void act(region, rollout, 'rollback')}
                          >
                            Roll back
                          </Button>
                        </div>
                      </Td>
                    </Tr>
                    <Tr data-testid="rollout-groups" data-rollout={key}>
                      <Td colSpan={7} style={{ paddingTop: 0 }}>
                        <GroupsView rollout={rollout} />
                      </Td>
                    </Tr>
                  </Fragment>
                );
              })}
            </Tbody>
          </Table>
        )}
      </PageSection>
    </>
  );
}

function GroupsView({ rollout }: { rollout: RolloutSummary }) {
  if (rollout.groups.length === 0 && rollout.failedClusters.length === 0)
    return <small>No groups started yet.</small>;
  return (
    <div>
      {rollout.groups.map((g) => (
        <div
          key={g.index}
          data-testid="rollout-group"
          data-group={g.name}
          style={{ display: 'inline-block', minWidth: 220, marginRight: 16, verticalAlign: 'top' }}
        >
          <small>
            {g.name || `group ${g.index}`}
            {g.mandatory ? ' (mandatory)' : ''}: {g.counts.succeeded}/{g.total}
            {g.approval !== 'NotRequired'
              ? ` · ${g.approval === 'Waiting' ? 'waiting for approval' : 'approved'}`
              : ''}
            {g.counts.failed + g.counts.timedOut > 0
              ? ` · ${g.counts.failed + g.counts.timedOut} failed`
              : ''}
          </small>
          <Progress
            value={percent(g.counts.succeeded, g.total)}
            size={ProgressSize.sm}
            aria-label={`group ${g.name || g.index}`}
            measureLocation="none"
          />
        </div>
      ))}
      {rollout.failedClusters.length > 0 && (
        <div>
          <small>
            Failed:{' '}
            {rollout.failedClusters
              .map((f) => `${f.name} (${f.reason}${f.message ? `: ${f.message}` : ''})`)
              .join(', ')}
          </small>
        </div>
      )}
    </div>
  );
}

const FIELD_OF_INPUT: Record<string, string> = {
  namespace: 'namespace',
  name: 'name',
  version: 'target.klusterlet.version',
  addOnName: 'target.addOn.name',
  addOnConfig: 'target.addOn.config',
  images: 'target.klusterlet.images',
  transport: 'target.transport',
  placement: 'placement',
  clusters: 'clusters',
  maxConcurrency: 'maxConcurrency',
};

function UpdateFormCard({ onOutcome }: { onOutcome: (o: Outcome | undefined) => void }) {
  const { store } = useStore();
  const regions = store.signedIn();
  const [region, setRegion] = useState(() => (regions[0] ? regionName(regions[0]) : ''));
  const [form, setForm] = useState<UpdateForm>(() => ({
    namespace: 'default',
    name: '',
    kind: 'klusterlet',
    version: '',
    addOnName: '',
    addOnConfig: '',
    ...defaultKlusterletImages(''),
    transport: 'grpc',
    placement: '',
    clusters: '',
    maxConcurrency: '',
  }));
  const [imagesEdited, setImagesEdited] = useState(false);
  const [configEdited, setConfigEdited] = useState(false);
  const [error, setError] = useState<Outcome>();
  const [busy, setBusy] = useState(false);
  const chosen = regions.find((r) => regionName(r) === region) ?? regions[0];

  const update = (patch: Partial<UpdateForm>) =>
    setForm((f) => {
      const next = { ...f, ...patch };
      if (!imagesEdited) Object.assign(next, defaultKlusterletImages(next.version));
      if (!configEdited) next.addOnConfig = defaultAddOnConfig(next.addOnName, next.version);
      return next;
    });
  const bad = (input: keyof typeof FIELD_OF_INPUT) => {
    const field = FIELD_OF_INPUT[input] ?? input;
    if (input === 'version')
      return fieldHasError(error, field) || fieldHasError(error, 'target.addOn.version');
    return fieldHasError(error, field);
  };

  const submit = async () => {
    const fail = (o: Outcome) => {
      setError(o);
      onOutcome(o);
    };
    if (!chosen) return fail({ kind: 'error', title: 'Update', message: 'sign in to a region first' });
    const parsed = createRolloutRequestSchema.safeParse(buildCreateRollout(form));
    if (!parsed.success) return fail(validationOutcome(parsed.error.issues, 'Update'));
    setBusy(true);
    try {
      const result = await store.call(chosen.id, PATHS.rollouts, actionResultSchema, {
        method: 'POST',
        body: parsed.data,
      });
      setError(undefined);
      onOutcome(successOutcome(result, `Update in ${regionName(chosen)}`));
    } catch (err) {
      fail(failureOutcome(err, `Update in ${regionName(chosen)}`));
    } finally {
      setBusy(false);
    }
  };

  const text = (
    label: string,
    key: keyof UpdateForm,
    testId: string,
    input: keyof typeof FIELD_OF_INPUT,
    placeholder?: string,
    onEdit?: () => void,
  ) => (
    <TextField
      label={label}
      id={testId}
      value={form[key]}
      placeholder={placeholder}
      error={bad(input)}
      onChange={(v) => {
        onEdit?.();
        update({ [key]: v });
      }}
    />
  );

  return (
    <Card style={{ marginBottom: 24 }}>
      <CardTitle>New update (AgentRollout)</CardTitle>
      <CardBody>
        <Form
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <Grid hasGutter md={4}>
            <GridItem>
              <SelectField
                label="Region"
                id="update-region"
                value={chosen ? regionName(chosen) : ''}
                onChange={setRegion}
                options={
                  regions.length === 0
                    ? [{ value: '', label: '(no signed-in region)', isDisabled: true }]
                    : regions.map((r) => regionName(r))
                }
              />
            </GridItem>
            <GridItem>{text('Namespace', 'namespace', 'update-namespace', 'namespace')}</GridItem>
            <GridItem>{text('Name', 'name', 'update-name', 'name', 'klusterlet-2-17')}</GridItem>
            <GridItem>
              <SelectField<UpdateKind>
                label="What"
                id="update-kind"
                value={form.kind}
                onChange={(v) => update({ kind: v })}
                options={[
                  { value: 'klusterlet', label: 'Klusterlet version' },
                  { value: 'addOn', label: 'Add-on version' },
                  { value: 'transport', label: 'Transport' },
                ]}
              />
            </GridItem>
            <GridItem>
              {text('Version (klusterlet or add-on)', 'version', 'update-version', 'version', '2.17.0')}
            </GridItem>
            <GridItem>
              <SelectField
                label="Transport"
                id="update-transport"
                value={form.transport}
                onChange={(v) => update({ transport: v })}
                options={['grpc', 'mqtt', 'kube']}
              />
            </GridItem>
            <GridItem>
              {text('Add-on name', 'addOnName', 'update-addon-name', 'addOnName', 'managed-serviceaccount')}
            </GridItem>
            <GridItem>
              {text(
                'Add-on config (AddOnDeploymentConfig)',
                'addOnConfig',
                'update-addon-config',
                'addOnConfig',
                '<addon>-<version>',
                () => setConfigEdited(true),
              )}
            </GridItem>
            <GridItem>
              {text(
                'Max concurrency',
                'maxConcurrency',
                'update-maxconcurrency',
                'maxConcurrency',
                'all, 10 or 25%',
              )}
            </GridItem>
            <GridItem>
              {text(
                'Klusterlet operator image',
                'imageRegistrationOperator',
                'update-image-operator',
                'images',
                undefined,
                () => setImagesEdited(true),
              )}
            </GridItem>
            <GridItem>
              {text(
                'Registration image',
                'imageRegistration',
                'update-image-registration',
                'images',
                undefined,
                () => setImagesEdited(true),
              )}
            </GridItem>
            <GridItem>
              {text('Work image', 'imageWork', 'update-image-work', 'images', undefined, () =>
                setImagesEdited(true),
              )}
            </GridItem>
            <GridItem>
              {text(
                'Placement',
                'placement',
                'update-placement',
                'placement',
                'an existing Placement in the namespace',
              )}
            </GridItem>
            <GridItem span={8}>
              {text(
                'Or clusters (comma-separated; wins over placement)',
                'clusters',
                'update-clusters',
                'clusters',
                'cluster-1, cluster-2',
              )}
            </GridItem>
          </Grid>
          <ActionGroup>
            <Button type="submit" data-testid="update-submit" isDisabled={busy} isLoading={busy}>
              Start update
            </Button>
          </ActionGroup>
        </Form>
      </CardBody>
    </Card>
  );
}
