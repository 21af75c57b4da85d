import {
  ActionGroup,
  Button,
  Card,
  CardBody,
  CardTitle,
  Content,
  Form,
  FormGroup,
  FormSelect,
  FormSelectOption,
  Grid,
  GridItem,
  PageSection,
  TextArea,
  TextInput,
  Title,
} from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { ActionAlert } from '../components/ActionAlert';
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

function RegionSelect({
  regions,
  value,
  onChange,
  testId,
}: {
  regions: RegionState[];
  value: string;
  onChange: (v: string) => void;
  testId: string;
}) {
  return (
    <FormGroup label="Region" fieldId={testId}>
      <FormSelect
        id={testId}
        data-testid={testId}
        value={value}
        onChange={(_e, v) => onChange(v)}
        aria-label="Region"
      >
        {regions.map((r) => (
          <FormSelectOption key={r.id} value={regionName(r)} label={regionName(r)} />
        ))}
      </FormSelect>
    </FormGroup>
  );
}

function Field({
  label,
  testId,
  error,
  children,
}: {
  label: string;
  testId: string;
  error?: boolean;
  children: (validated: 'error' | 'default') => ReactNode;
}) {
  return (
    <FormGroup label={label} fieldId={testId}>
      {children(error ? 'error' : 'default')}
    </FormGroup>
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

function ImportCard({ regions, onOutcome }: CardProps) {
  const { store } = useStore();
  const region = useRegionChoice(regions);
  const [f, setF] = useState({ name: '', clusterSet: '', labels: '', server: '', token: '', kubeconfig: '' });
  const [error, setError] = useState<Outcome>();
  const [busy, setBusy] = useState(false);
  const set = (patch: Partial<typeof f>) => setF((old) => ({ ...old, ...patch }));
  const bad = (field: string) => fieldHasError(error, field);

  const submit = async () => {
    const labels = parseLabelList(f.labels);
    if ('error' in labels) {
      const o: Outcome = {
        kind: 'error',
        title: 'Import: invalid input',
        message: labels.error,
        field: 'labels',
      };
      setError(o);
      return onOutcome(o);
    }
    const body: ImportClusterRequest = { name: f.name.trim() };
    if (Object.keys(labels.labels).length > 0) body.labels = labels.labels;
    if (f.clusterSet.trim()) body.clusterSet = f.clusterSet.trim();
    if (f.kubeconfig.trim()) body.kubeconfig = f.kubeconfig;
    if (f.server.trim()) body.server = f.server.trim();
    if (f.token.trim()) body.token = f.token.trim();
    const parsed = importClusterRequestSchema.safeParse(body);
    if (!parsed.success) {
      const o = validationOutcome(parsed.error.issues, 'Import');
      setError(o);
      return onOutcome(o);
    }
    if (!region.chosen) return;
    const chosen = region.chosen;
    setBusy(true);
    const ok = await submitAction(
      () =>
        store.call(chosen.id, PATHS.importCluster, actionResultSchema, { method: 'POST', body: parsed.data }),
      `Import ${parsed.data.name} into ${regionName(chosen)}`,
      onOutcome,
      setError,
    );
    setBusy(false);
    // The credentials leave the form once sent: they are not kept anywhere.
    if (ok) setF({ name: '', clusterSet: '', labels: '', server: '', token: '', kubeconfig: '' });
  };

  return (
    <Card>
      <CardTitle>Import an existing cluster</CardTitle>
      <CardBody>
        <Form
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <RegionSelect
            regions={regions}
            value={region.value}
            onChange={region.setName}
            testId="import-region"
          />
          <Field label="Name" testId="import-name" error={bad('name')}>
            {(v) => (
              <TextInput
                id="import-name"
                data-testid="import-name"
                value={f.name}
                validated={v}
                onChange={(_e, x) => set({ name: x })}
              />
            )}
          </Field>
          <Field label="Cluster set" testId="import-clusterset" error={bad('clusterSet')}>
            {(v) => (
              <TextInput
                id="import-clusterset"
                data-testid="import-clusterset"
                value={f.clusterSet}
                validated={v}
                onChange={(_e, x) => set({ clusterSet: x })}
              />
            )}
          </Field>
          <Field label="Labels (key=value, comma-separated)" testId="import-labels" error={bad('labels')}>
            {(v) => (
              <TextInput
                id="import-labels"
                data-testid="import-labels"
                value={f.labels}
                validated={v}
                onChange={(_e, x) => set({ labels: x })}
              />
            )}
          </Field>
          <Field label="API server URL" testId="import-server" error={bad('server')}>
            {(v) => (
              <TextInput
                id="import-server"
                data-testid="import-server"
                value={f.server}
                validated={v}
                placeholder="https://api.cluster.example.com:6443"
                onChange={(_e, x) => set({ server: x })}
              />
            )}
          </Field>
          <Field label="Token" testId="import-token" error={bad('token')}>
            {(v) => (
              <TextInput
                id="import-token"
                type="password"
                autoComplete="off"
                data-testid="import-token"
                value={f.token}
                validated={v}
                onChange={(_e, x) => set({ token: x })}
              />
            )}
          </Field>
          <Field label="Or kubeconfig" testId="import-kubeconfig" error={bad('kubeconfig')}>
            {(v) => (
              <TextArea
                id="import-kubeconfig"
                data-testid="import-kubeconfig"
                value={f.kubeconfig}
                validated={v}
                rows={4}
                onChange={(_e, x) => set({ kubeconfig: x })}
              />
            )}
          </Field>
          <ActionGroup>
            <Button type="submit" data-testid="import-submit" isDisabled={busy} isLoading={busy}>
              Import
            </Button>
          </ActionGroup>
        </Form>
      </CardBody>
    </Card>
  );
}

type Platform = 'aws' | 'gcp' | 'azure';

function CreateCard({ regions, onOutcome }: CardProps) {
  const { store } = useStore();
  const region = useRegionChoice(regions);
  const [f, setF] = useState({
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
  });
  const [error, setError] = useState<Outcome>();
  const [busy, setBusy] = useState(false);
  const set = (patch: Partial<typeof f>) => setF((old) => ({ ...old, ...patch }));
  const bad = (field: string) => fieldHasError(error, field);

  const submit = async () => {
    const labels = parseLabelList(f.labels);
    if ('error' in labels) {
      const o: Outcome = {
        kind: 'error',
        title: 'Create: invalid input',
        message: labels.error,
        field: 'labels',
      };
      setError(o);
      return onOutcome(o);
    }
    const platform: CreateClusterDeploymentRequest['platform'] =
      f.platform === 'azure'
        ? { azure: { region: f.platformRegion.trim(), baseDomainResourceGroupName: f.resourceGroup.trim() } }
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
    if (Object.keys(labels.labels).length > 0) body.labels = labels.labels;
    const parsed = createClusterDeploymentRequestSchema.safeParse(body);
    if (!parsed.success) {
      const o = validationOutcome(parsed.error.issues, 'Create');
      setError(o);
      return onOutcome(o);
    }
    if (!region.chosen) return;
    const chosen = region.chosen;
    setBusy(true);
    await submitAction(
      () =>
        store.call(chosen.id, PATHS.clusterDeployments, actionResultSchema, {
          method: 'POST',
          body: parsed.data,
        }),
      `Create ${parsed.data.name} in ${regionName(chosen)}`,
      onOutcome,
      setError,
    );
    setBusy(false);
  };

  const input = (label: string, key: keyof typeof f, testId: string, field: string, placeholder?: string) => (
    <Field label={label} testId={testId} error={bad(field)}>
      {(v) => (
        <TextInput
          id={testId}
          data-testid={testId}
          value={String(f[key])}
          validated={v}
          placeholder={placeholder}
          onChange={(_e, x) => set({ [key]: x })}
        />
      )}
    </Field>
  );

  return (
    <Card>
      <CardTitle>Create a cluster (Hive ClusterDeployment)</CardTitle>
      <CardBody>
        <Form
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <RegionSelect
            regions={regions}
            value={region.value}
            onChange={region.setName}
            testId="create-region"
          />
          {input('Name (also the namespace)', 'name', 'create-name', 'name')}
          {input('Base domain', 'baseDomain', 'create-basedomain', 'baseDomain', 'example.com')}
          {input('ClusterImageSet', 'imageSet', 'create-imageset', 'imageSet', 'img4.17.0-x86-64')}
          {input('Pull secret name', 'pullSecretName', 'create-pullsecret', 'pullSecretName')}
          {input(
            'Cloud credentials secret name',
            'credentialsSecretName',
            'create-credentials',
            'credentialsSecretName',
          )}
          <FormGroup label="Platform" fieldId="create-platform">
            <FormSelect
              id="create-platform"
              data-testid="create-platform"
              value={f.platform}
              onChange={(_e, v) => set({ platform: v as Platform })}
              aria-label="Platform"
            >
              <FormSelectOption value="aws" label="AWS" />
              <FormSelectOption value="gcp" label="GCP" />
              <FormSelectOption value="azure" label="Azure" />
            </FormSelect>
          </FormGroup>
          {input('Platform region', 'platformRegion', 'create-platform-region', 'platform', 'us-east-1')}
          {f.platform === 'azure' &&
            input(
              'Base domain resource group',
              'resourceGroup',
              'create-resourcegroup',
              'platform.azure.baseDomainResourceGroupName',
            )}
          <Field label="install-config.yaml" testId="create-installconfig" error={bad('installConfig')}>
            {(v) => (
              <TextArea
                id="create-installconfig"
                data-testid="create-installconfig"
                value={f.installConfig}
                validated={v}
                rows={6}
                onChange={(_e, x) => set({ installConfig: x })}
              />
            )}
          </Field>
          {input('Worker replicas', 'workers', 'create-workers', 'workers')}
          {input('Labels (key=value, comma-separated)', 'labels', 'create-labels', 'labels')}
          <ActionGroup>
            <Button type="submit" data-testid="create-submit" isDisabled={busy} isLoading={busy}>
              Create
            </Button>
          </ActionGroup>
        </Form>
      </CardBody>
    </Card>
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
