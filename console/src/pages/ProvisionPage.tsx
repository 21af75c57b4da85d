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
  PageSection,
  TextInput,
  Title,
} from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import type { z } from 'zod';
import { ActionAlert } from '../components/ActionAlert';
import { SelectField } from '../components/SelectField';
import { TextField } from '../components/TextField';
import { useStore } from '../hooks';
import {
  actionResultSchema,
  createClusterDeploymentRequestSchema,
  importClusterRequestSchema,
  machinePoolListSchema,
  PATHS,
  scaleMachinePoolRequestSchema,
  type CreateClusterDeploymentRequest,
  type ImportClusterRequest,
  type MachinePoolList,
} from '../lib/contract';
import {
  failureOutcome,
  fieldHasError,
  successOutcome,
  validationOutcome,
  type Outcome,
} from '../lib/outcome';
import { parseLabelList } from '../lib/requests';
import { regionName, type RegionState } from '../lib/store';

export function ProvisionPage() {
  const { store } = useStore();
  const [outcome, setOutcome] = useState<Outcome>();
  const signedIn = store.signedIn();
  const hive = signedIn.filter((r) => r.info?.hiveServed);
  return (
    <>
      <PageSection>
        <Title headingLevel="h1">Provision</Title>
        <Content component="p">
          Import an existing cluster into any signed-in region; where a hub serves Hive's API, create a
          cluster and scale its machine pools.
        </Content>
      </PageSection>
      <PageSection>
        <ActionAlert outcome={outcome} onClose={() => setOutcome(undefined)} />
        {signedIn.length === 0 ? (
          <Content component="p">
            Sign in to a region first (<a href="#/regions">Regions</a>).
          </Content>
        ) : (
          <Grid hasGutter>
            <GridItem lg={6}>
              <ImportCard regions={signedIn} outcome={outcome} onOutcome={setOutcome} />
            </GridItem>
            <GridItem lg={6}>
              {hive.length > 0 ? (
                <CreateCard regions={hive} outcome={outcome} onOutcome={setOutcome} />
              ) : (
                <Card>
                  <CardTitle>Create a cluster</CardTitle>
                  <CardBody data-testid="create-unavailable">
                    No signed-in region serves hive.openshift.io, so creating clusters is not offered.
                  </CardBody>
                </Card>
              )}
            </GridItem>
            {hive.length > 0 && (
              <GridItem>
                <ScaleCard regions={hive} onOutcome={setOutcome} />
              </GridItem>
            )}
          </Grid>
        )}
      </PageSection>
    </>
  );
}

interface CardProps {
  regions: RegionState[];
  outcome?: Outcome | undefined;
  onOutcome: (o: Outcome | undefined) => void;
}

/** A provisioning form in its card: the region it goes to, its fields, and its submit button. */
function FormCard({
  title,
  testIdPrefix,
  regions,
  region,
  busy,
  submitLabel,
  onSubmit,
  children,
}: {
  title: string;
  /** `<prefix>-region` and `<prefix>-submit` are the test ids of the region select and the button. */
  testIdPrefix: string;
  regions: RegionState[];
  region: ReturnType<typeof useRegionChoice>;
  busy: boolean;
  submitLabel: string;
  onSubmit: () => Promise<void>;
  children: ReactNode;
}) {
  return (
    <Card>
      <CardTitle>{title}</CardTitle>
      <CardBody>
        <Form
          onSubmit={(e) => {
            e.preventDefault();
            void onSubmit();
          }}
        >
          <SelectField
            label="Region"
            id={`${testIdPrefix}-region`}
            value={region.value}
            onChange={region.setName}
            options={regions.map((r) => regionName(r))}
          />
          {children}
          <ActionGroup>
            <Button type="submit" data-testid={`${testIdPrefix}-submit`} isDisabled={busy} isLoading={busy}>
              {submitLabel}
            </Button>
          </ActionGroup>
        </Form>
      </CardBody>
    </Card>
  );
}

function useRegionChoice(regions: RegionState[]) {
  const [name, setName] = useState(() => (regions[0] ? regionName(regions[0]) : ''));
  const chosen = regions.find((r) => regionName(r) === name) ?? regions[0];
  return { chosen, value: chosen ? regionName(chosen) : '', setName };
}

async function submitAction(
  run: () => Promise<{ written: { kind: string; namespace?: string; name: string }[] }>,
  what: string,
  onOutcome: (o: Outcome) => void,
  setLocal: (o: Outcome | undefined) => void,
): Promise<boolean> {
  try {
    const result = await run();
    setLocal(undefined);
    onOutcome(successOutcome(result, what));
    return true;
  } catch (err) {
    const o = failureOutcome(err, what);
    setLocal(o);
    onOutcome(o);
    return false;
  }
}

/**
 * A provisioning form: its text values (one `labels` among them), the outcome that marks its
 * fields invalid, and whether its request is under way. `bind` ties a value to a TextField;
 * `request` checks the labels and then the body against the contract's schema before anything is
 * sent, so a wrong field is named without a round trip.
 */
function useProvisionForm<T extends { labels: string } & Record<string, string>>(
  initial: T,
  onOutcome: (o: Outcome | undefined) => void,
) {
  const [values, setValues] = useState(initial);
  const [error, setError] = useState<Outcome>();
  const [busy, setBusy] = useState(false);
  const set = (patch: Partial<T>) => setValues((old) => ({ ...old, ...patch }));
  const fail = (o: Outcome) => {
    setError(o);
    onOutcome(o);
  };
  return {
    values,
    set,
    busy,
    reset: () => setValues(initial),
    bind: (key: keyof T & string, field: string = key) => ({
      value: values[key],
      error: fieldHasError(error, field),
      onChange: (v: string) => set({ [key]: v } as Partial<T>),
    }),
    request<S extends z.ZodType>(
      verb: string,
      schema: S,
      body: (labels: Record<string, string> | undefined) => z.input<S>,
    ): z.output<S> | undefined {
      const labels = parseLabelList(values.labels);
      if ('error' in labels) {
        fail({ kind: 'error', title: `${verb}: invalid input`, message: labels.error, field: 'labels' });
        return undefined;
      }
      const parsed = schema.safeParse(
        body(Object.keys(labels.labels).length > 0 ? labels.labels : undefined),
      );
      if (!parsed.success) {
        fail(validationOutcome(parsed.error.issues, verb));
        return undefined;
      }
      return parsed.data;
    },
    async send(run: Parameters<typeof submitAction>[0], what: string): Promise<boolean> {
      setBusy(true);
      const ok = await submitAction(run, what, onOutcome, setError);
      setBusy(false);
      return ok;
    },
  };
}

const NO_IMPORT = { name: '', clusterSet: '', labels: '', server: '', token: '', kubeconfig: '' };

function ImportCard({ regions, onOutcome }: CardProps) {
  const { store } = useStore();
  const region = useRegionChoice(regions);
  const form = useProvisionForm(NO_IMPORT, onOutcome);
  const { values: f, bind } = form;

  const submit = async () => {
    const data = form.request('Import', importClusterRequestSchema, (labels) => {
      const body: ImportClusterRequest = { name: f.name.trim() };
      if (labels) body.labels = labels;
      if (f.clusterSet.trim()) body.clusterSet = f.clusterSet.trim();
      if (f.kubeconfig.trim()) body.kubeconfig = f.kubeconfig;
      if (f.server.trim()) body.server = f.server.trim();
      if (f.token.trim()) body.token = f.token.trim();
      return body;
    });
    if (!data || !region.chosen) return;
    const chosen = region.chosen;
    const ok = await form.send(
      () => store.call(chosen.id, PATHS.importCluster, actionResultSchema, { method: 'POST', body: data }),
      `Import ${data.name} into ${regionName(chosen)}`,
    );
    // The credentials leave the form once sent: they are not kept anywhere.
    if (ok) form.reset();
  };

  return (
    <FormCard
      title="Import an existing cluster"
      testIdPrefix="import"
      regions={regions}
      region={region}
      busy={form.busy}
      submitLabel="Import"
      onSubmit={submit}
    >
      <TextField label="Name" id="import-name" {...bind('name')} />
      <TextField label="Cluster set" id="import-clusterset" {...bind('clusterSet')} />
      <TextField label="Labels (key=value, comma-separated)" id="import-labels" {...bind('labels')} />
      <TextField
        label="API server URL"
        id="import-server"
        placeholder="https://api.cluster.example.com:6443"
        {...bind('server')}
      />
      <TextField label="Token" id="import-token" type="password" autoComplete="off" {...bind('token')} />
      <TextField label="Or kubeconfig" id="import-kubeconfig" rows={4} {...bind('kubeconfig')} />
    </FormCard>
  );
}

type Platform = 'aws' | 'gcp' | 'azure';

function CreateCard({ regions, onOutcome }: CardProps) {
  const { store } = useStore();
  const region = useRegionChoice(regions);
  const form = useProvisionForm(
    {
      name: '',
      baseDomain: '',
      imageSet: '',
      pullSecretName: '',
      credentialsSecretName: '',
      platform: 'aws' as Platform,
      platformRegion: '',
      resourceGroup: '',
      installConfig: '',
      workers: '3',
      labels: '',
    },
    onOutcome,
  );
  const { values: f, bind } = form;

  const submit = async () => {
    const data = form.request('Create', createClusterDeploymentRequestSchema, (labels) => {
      const platform: CreateClusterDeploymentRequest['platform'] =
        f.platform === 'azure'
          ? {
              azure: { region: f.platformRegion.trim(), baseDomainResourceGroupName: f.resourceGroup.trim() },
            }
          : { [f.platform]: { region: f.platformRegion.trim() } };
      const body: CreateClusterDeploymentRequest = {
        name: f.name.trim(),
        baseDomain: f.baseDomain.trim(),
        imageSet: f.imageSet.trim(),
        pullSecretName: f.pullSecretName.trim(),
        credentialsSecretName: f.credentialsSecretName.trim(),
        platform,
        installConfig: f.installConfig,
      };
      if (f.workers.trim()) body.workers = { replicas: Number(f.workers.trim()) };
      if (labels) body.labels = labels;
      return body;
    });
    if (!data || !region.chosen) return;
    const chosen = region.chosen;
    await form.send(
      () =>
        store.call(chosen.id, PATHS.clusterDeployments, actionResultSchema, { method: 'POST', body: data }),
      `Create ${data.name} in ${regionName(chosen)}`,
    );
  };

  return (
    <FormCard
      title="Create a cluster (Hive ClusterDeployment)"
      testIdPrefix="create"
      regions={regions}
      region={region}
      busy={form.busy}
      submitLabel="Create"
      onSubmit={submit}
    >
      <TextField label="Name (also the namespace)" id="create-name" {...bind('name')} />
      <TextField
        label="Base domain"
        id="create-basedomain"
        placeholder="example.com"
        {...bind('baseDomain')}
      />
      <TextField
        label="ClusterImageSet"
        id="create-imageset"
        placeholder="img4.17.0-x86-64"
        {...bind('imageSet')}
      />
      <TextField label="Pull secret name" id="create-pullsecret" {...bind('pullSecretName')} />
      <TextField
        label="Cloud credentials secret name"
        id="create-credentials"
        {...bind('credentialsSecretName')}
      />
      <SelectField<Platform>
        label="Platform"
        id="create-platform"
        value={f.platform}
        onChange={(v) => form.set({ platform: v })}
        options={[
          { value: 'aws', label: 'AWS' },
          { value: 'gcp', label: 'GCP' },
          { value: 'azure', label: 'Azure' },
        ]}
      />
      <TextField
        label="Platform region"
        id="create-platform-region"
        placeholder="us-east-1"
        {...bind('platformRegion', 'platform')}
      />
      {f.platform === 'azure' && (
        <TextField
          label="Base domain resource group"
          id="create-resourcegroup"
          {...bind('resourceGroup', 'platform.azure.baseDomainResourceGroupName')}
        />
      )}
      <TextField label="install-config.yaml" id="create-installconfig" rows={6} {...bind('installConfig')} />
      <TextField label="Worker replicas" id="create-workers" {...bind('workers')} />
      <TextField label="Labels (key=value, comma-separated)" id="create-labels" {...bind('labels')} />
    </FormCard>
  );
}

type Pools = { region: RegionState; items: MachinePoolList['items'] };

function ScaleCard({
  regions,
  onOutcome,
}: {
  regions: RegionState[];
  onOutcome: (o: Outcome | undefined) => void;
}) {
  const { store } = useStore();
  const [pools, setPools] = useState<Pools[]>([]);
  const [errors, setErrors] = useState<Outcome[]>([]);
  const ids = regions.map((r) => r.id).join(',');

  const load = useCallback(async () => {
    const results = await Promise.allSettled(
      regions.map((r) => store.call(r.id, PATHS.machinePools, machinePoolListSchema)),
    );
    const ok: Pools[] = [];
    const failed: Outcome[] = [];
    results.forEach((res, i) => {
      const region = regions[i];
      if (!region) return;
      if (res.status === 'fulfilled') ok.push({ region, items: res.value.items });
      else failed.push(failureOutcome(res.reason, `Listing machine pools of ${regionName(region)}`));
    });
    setPools(ok);
    setErrors(failed);
  }, [store, ids]);

  useEffect(() => {
    void load();
  }, [load]);

  return (
    <Card>
      <CardTitle>Scale machine pools</CardTitle>
      <CardBody>
        {errors.map((e, i) => (
          <ActionAlert key={i} outcome={e} testIdPrefix="load" />
        ))}
        <Button
          variant="secondary"
          size="sm"
          data-testid="machinepool-refresh"
          onClick={() => void load()}
          style={{ marginBottom: 8 }}
        >
          Refresh
        </Button>
        <Table aria-label="Machine pools" variant="compact">
          <Thead>
            <Tr>
              <Th>Region</Th>
              <Th>Machine pool</Th>
              <Th>Cluster deployment</Th>
              <Th>Replicas</Th>
              <Th>Ready</Th>
              <Th>Scale to</Th>
            </Tr>
          </Thead>
          <Tbody>
            {pools.flatMap(({ region, items }) =>
              items.map((p) => (
                <PoolRow
                  key={`${region.id}/${p.namespace}/${p.name}`}
                  region={region}
                  pool={p}
                  onOutcome={onOutcome}
                  onScaled={() => void load()}
                />
              )),
            )}
          </Tbody>
        </Table>
        {pools.every((p) => p.items.length === 0) && (
          <Content component="p">No machine pools you may see.</Content>
        )}
      </CardBody>
    </Card>
  );
}

function PoolRow({
  region,
  pool,
  onOutcome,
  onScaled,
}: {
  region: RegionState;
  pool: MachinePoolList['items'][number];
  onOutcome: (o: Outcome | undefined) => void;
  onScaled: () => void;
}) {
  const { store } = useStore();
  const [replicas, setReplicas] = useState(String(pool.replicas ?? 0));
  const [error, setError] = useState<Outcome>();
  const [busy, setBusy] = useState(false);
  const key = `${regionName(region)}/${pool.namespace}/${pool.name}`;
  const scale = async () => {
    const parsed = scaleMachinePoolRequestSchema.safeParse({
      replicas: replicas.trim() === '' ? NaN : Number(replicas),
    });
    if (!parsed.success) {
      const o = validationOutcome(parsed.error.issues, `Scaling ${key}`);
      setError(o);
      return onOutcome(o);
    }
    setBusy(true);
    const ok = await submitAction(
      () =>
        store.call(region.id, PATHS.machinePool(pool.namespace, pool.name), actionResultSchema, {
          method: 'PATCH',
          body: parsed.data,
        }),
      `Scale ${key} to ${parsed.data.replicas}`,
      onOutcome,
      setError,
    );
    setBusy(false);
    if (ok) onScaled();
  };
  return (
    <Tr data-testid="machinepool-row" data-machinepool={key}>
      <Td>{regionName(region)}</Td>
      <Td>
        {pool.namespace}/{pool.name}
      </Td>
      <Td>{pool.clusterDeployment}</Td>
      <Td data-testid="machinepool-replicas">{pool.replicas ?? ''}</Td>
      <Td>{pool.readyReplicas ?? ''}</Td>
      <Td style={{ whiteSpace: 'nowrap' }}>
        <TextInput
          type="number"
          aria-label={`Replicas for ${key}`}
          data-testid="machinepool-replicas-input"
          value={replicas}
          validated={error ? 'error' : 'default'}
          onChange={(_e, v) => setReplicas(v)}
          style={{ width: 90, display: 'inline-block' }}
        />{' '}
        <Button
          size="sm"
          data-testid="machinepool-scale"
          isDisabled={busy}
          isLoading={busy}
          onClick={() => void scale()}
        >
          Scale
        </Button>
      </Td>
    </Tr>
  );
}
