import {
  ActionGroup,
  Alert,
  Button,
  Card,
  CardBody,
  CardTitle,
  DescriptionList,
  DescriptionListDescription,
  DescriptionListGroup,
  DescriptionListTerm,
  Flex,
  Form,
  FormSelect,
  FormSelectOption,
  Gallery,
  Label,
  LabelGroup,
  Modal,
  ModalBody,
  ModalFooter,
  ModalHeader,
  PageSection,
  TextInput,
  Title,
  Content,
} from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { useEffect, useState, type ReactNode } from 'react';
import { ActionAlert } from '../components/ActionAlert';
import { ShownValue } from '../components/ShownValue';
import { TextField } from '../components/TextField';
import { useStore } from '../hooks';
import {
  actionResultSchema,
  clusterDetailSchema,
  createRolloutRequestSchema,
  PATHS,
  type ClusterDetail,
} from '../lib/contract';
import { statusOf } from '../lib/merge';
import {
  failureOutcome,
  fieldHasError,
  successOutcome,
  validationOutcome,
  type Outcome,
} from '../lib/outcome';
import { transportRolloutName } from '../lib/requests';
import { routeHref } from '../lib/router';

export function ClusterDetailPage({ region: regionKey, name }: { region: string; name: string }) {
  const { store } = useStore();
  const region = store.byName(regionKey);
  const summary = region?.data.clusters.get(name);
  const [detail, setDetail] = useState<ClusterDetail>();
  const [loadError, setLoadError] = useState<Outcome>();
  const [outcome, setOutcome] = useState<Outcome>();
  const [refresh, setRefresh] = useState(0);
  const [detached, setDetached] = useState(false);
  const regionId = region?.id;
  const token = region?.token;

  // Reload the detail when the live summary changes (an SSE upsert), or after an action.
  useEffect(() => {
    if (regionId === undefined || token === undefined || detached) return;
    const controller = new AbortController();
    store
      .call(regionId, PATHS.cluster(name), clusterDetailSchema, { signal: controller.signal })
      .then((d) => {
        setDetail(d);
        setLoadError(undefined);
      })
      .catch((err: unknown) => {
        if (!controller.signal.aborted) setLoadError(failureOutcome(err, `Loading ${name}`));
      });
    return () => controller.abort();
  }, [store, regionId, token, name, summary, refresh, detached]);

  if (!region) {
    return (
      <PageSection>
        <Alert variant="warning" isInline title={`No region named ${regionKey} in the list`} />
      </PageSection>
    );
  }
  if (token === undefined) {
    return (
      <PageSection>
        <Alert variant="warning" isInline title={`Sign in to ${regionKey} to see ${name}`}>
          <a href="#/regions">Regions</a>
        </Alert>
      </PageSection>
    );
  }
  const shown = detail ?? summary;
  const after =
    (what: string) => (result: { written: { kind: string; namespace?: string; name: string }[] }) => {
      setOutcome(successOutcome(result, what));
      setRefresh((n) => n + 1);
    };

  return (
    <>
      <PageSection>
        <Content component="p">
          <a href="#/clusters">Clusters</a> / {regionKey}
        </Content>
        <Title headingLevel="h1" data-testid="cluster-detail-name">
          {name}
        </Title>
        {shown && (
          <Flex spaceItems={{ default: 'spaceItemsSm' }}>
            <Label
              color={
                statusOf(shown) === 'Available' ? 'green' : statusOf(shown) === 'Unavailable' ? 'red' : 'grey'
              }
            >
              {statusOf(shown)}
            </Label>
            <Label>{shown.joined ? 'Joined' : 'Not joined'}</Label>
            <Label>{shown.hubAccepted ? 'Accepted' : 'Not accepted'}</Label>
            {!summary && detail && <Label color="orange">not in the live list</Label>}
          </Flex>
        )}
      </PageSection>
      <PageSection>
        <ActionAlert outcome={outcome} onClose={() => setOutcome(undefined)} />
        <ActionAlert outcome={loadError} testIdPrefix="load" />
        {shown && (
          <Gallery hasGutter minWidths={{ default: '420px' }}>
            <Card>
              <CardTitle>Overview</CardTitle>
              <CardBody>
                <DescriptionList isCompact>
                  <Item term="Region" value={regionKey} />
                  <Item term="Cluster set" value={shown.clusterSet ?? '–'} />
                  <Item term="Kubernetes" value={shown.kubernetesVersion ?? '–'} />
                  <Item
                    term="Klusterlet"
                    value={<ShownValue cluster={shown} field="klusterletVersion" empty="–" />}
                  />
                  <Item term="Transport" value={<ShownValue cluster={shown} field="transport" empty="–" />} />
                  {detail?.createdAt && <Item term="Created" value={detail.createdAt} />}
                  {detail && (
                    <Item
                      term="ManifestWorks"
                      value={`${detail.manifestWorks.total} total, ${detail.manifestWorks.applied} applied, ${detail.manifestWorks.degraded} degraded`}
                    />
                  )}
                </DescriptionList>
              </CardBody>
            </Card>
            <LabelsCard
              regionId={region.id}
              name={name}
              labels={shown.labels}
              onOutcome={setOutcome}
              onDone={after('Labels')}
            />
            <AddOnsCard
              regionId={region.id}
              name={name}
              addOns={shown.addOns}
              onOutcome={setOutcome}
              onDone={after('Add-on')}
            />
            <TransportCard
              regionId={region.id}
              name={name}
              current={shown.transport}
              onOutcome={setOutcome}
              onDone={after('Transport rollout')}
            />
            <Card>
              <CardTitle>Rollouts</CardTitle>
              <CardBody>
                {shown.rollouts.length === 0
                  ? 'None'
                  : shown.rollouts.map((r) => (
                      <div key={`${r.namespace}/${r.name}`}>
                        <a href="#/rollouts">
                          {r.namespace}/{r.name}
                        </a>
                      </div>
                    ))}
              </CardBody>
            </Card>
            <Card>
              <CardTitle>Claims</CardTitle>
              <CardBody>
                {detail && detail.claims.length > 0 ? (
                  <DescriptionList isCompact>
                    {detail.claims.map((c) => (
                      <Item key={c.name} term={c.name} value={c.value} />
                    ))}
                  </DescriptionList>
                ) : (
                  'None'
                )}
              </CardBody>
            </Card>
          </Gallery>
        )}
      </PageSection>
      {detail && (
        <PageSection>
          <Title headingLevel="h2">Conditions</Title>
          <Table aria-label="Conditions" variant="compact">
            <Thead>
              <Tr>
                <Th>Type</Th>
                <Th>Status</Th>
                <Th>Reason</Th>
                <Th>Message</Th>
                <Th>Since</Th>
              </Tr>
            </Thead>
            <Tbody>
              {detail.conditions.map((c) => (
                <Tr key={c.type}>
                  <Td>{c.type}</Td>
                  <Td>{c.status}</Td>
                  <Td>{c.reason ?? ''}</Td>
                  <Td>{c.message ?? ''}</Td>
                  <Td>{c.lastTransitionTime ?? ''}</Td>
                </Tr>
              ))}
            </Tbody>
          </Table>
          <Title headingLevel="h2" style={{ marginTop: 24 }}>
            Recent events
          </Title>
          {detail.events.length === 0 ? (
            <Content component="p">None</Content>
          ) : (
            <Table aria-label="Events" variant="compact">
              <Thead>
                <Tr>
                  <Th>Type</Th>
                  <Th>Reason</Th>
                  <Th>Object</Th>
                  <Th>Message</Th>
                  <Th>Count</Th>
                  <Th>Last</Th>
                </Tr>
              </Thead>
              <Tbody>
                {detail.events.map((e, i) => (
                  <Tr key={i}>
                    <Td>{e.type}</Td>
                    <Td>{e.reason}</Td>
                    <Td>
                      {e.involvedObject.kind}{' '}
                      {e.involvedObject.namespace ? `${e.involvedObject.namespace}/` : ''}
                      {e.involvedObject.name}
                    </Td>
                    <Td>{e.message}</Td>
                    <Td>{e.count ?? ''}</Td>
                    <Td>{e.lastTimestamp ?? ''}</Td>
                  </Tr>
                ))}
              </Tbody>
            </Table>
          )}
        </PageSection>
      )}
      <PageSection>
        <DetachSection
          regionId={region.id}
          regionKey={regionKey}
          name={name}
          onOutcome={(o) => {
            setOutcome(o);
            if (o?.kind === 'success') setDetached(true);
          }}
        />
      </PageSection>
    </>
  );
}

function Item({ term, value }: { term: string; value: ReactNode }) {
  return (
    <DescriptionListGroup>
      <DescriptionListTerm>{term}</DescriptionListTerm>
      <DescriptionListDescription>{value}</DescriptionListDescription>
    </DescriptionListGroup>
  );
}

interface ActionProps {
  regionId: number;
  name: string;
  onOutcome: (o: Outcome | undefined) => void;
  onDone: (result: { written: { kind: string; namespace?: string; name: string }[] }) => void;
}

function LabelsCard({
  regionId,
  name,
  labels,
  onOutcome,
  onDone,
}: ActionProps & { labels: Record<string, string> }) {
  const { store } = useStore();
  const [editing, setEditing] = useState(false);
  const [key, setKey] = useState('');
  const [value, setValue] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Outcome>();

  const patch = async (change: Record<string, string | null>) => {
    setBusy(true);
    try {
      const result = await store.call(regionId, PATHS.clusterLabels(name), actionResultSchema, {
        method: 'PATCH',
        body: { labels: change },
      });
      setError(undefined);
      onDone(result);
      setKey('');
      setValue('');
      setEditing(false);
    } catch (err) {
      const o = failureOutcome(err, 'Saving labels');
      setError(o);
      onOutcome(o);
    } finally {
      setBusy(false);
    }
  };
  const bad = fieldHasError(error, 'labels');
  return (
    <Card>
      <CardTitle>Labels</CardTitle>
      <CardBody>
        <LabelGroup numLabels={50}>
          {Object.entries(labels).map(([k, v]) => (
            <Label
              key={k}
              data-testid={`label-${k}`}
              onClose={() => void patch({ [k]: null })}
              closeBtnAriaLabel={`Remove label ${k}`}
            >
              {k}={v}
            </Label>
          ))}
        </LabelGroup>
        {!editing ? (
          <Button
            variant="link"
            data-testid="label-edit"
            onClick={() => setEditing(true)}
            style={{ paddingLeft: 0 }}
          >
            Edit labels
          </Button>
        ) : (
          <Form
            onSubmit={(e) => {
              e.preventDefault();
              void patch({ [key.trim()]: value });
            }}
          >
            <TextField
              label="Key"
              id="label-key"
              testId="label-key-input"
              value={key}
              onChange={setKey}
              error={bad}
            />
            <TextField
              label="Value"
              id="label-value"
              testId="label-value-input"
              value={value}
              onChange={setValue}
              error={bad}
            />
            <ActionGroup>
              <Button
                type="submit"
                data-testid="label-save"
                isDisabled={!key.trim() || busy}
                isLoading={busy}
              >
                Save
              </Button>
              <Button variant="link" onClick={() => setEditing(false)}>
                Cancel
              </Button>
            </ActionGroup>
          </Form>
        )}
      </CardBody>
    </Card>
  );
}

function AddOnsCard({
  regionId,
  name,
  addOns,
  onOutcome,
  onDone,
}: ActionProps & { addOns: ClusterDetail['addOns'] }) {
  const { store } = useStore();
  const [newAddOn, setNewAddOn] = useState('');
  const [busy, setBusy] = useState(false);
  const set = async (addOn: string, enabled: boolean) => {
    setBusy(true);
    try {
      const result = await store.call(regionId, PATHS.clusterAddOn(name, addOn), actionResultSchema, {
        method: 'PUT',
        body: { enabled },
      });
      onDone(result);
      if (enabled) setNewAddOn('');
    } catch (err) {
      onOutcome(failureOutcome(err, `${enabled ? 'Enabling' : 'Disabling'} ${addOn}`));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card>
      <CardTitle>Add-ons</CardTitle>
      <CardBody>
        {addOns.length === 0 ? (
          <Content component="p">None</Content>
        ) : (
          <Table aria-label="Add-ons" variant="compact">
            <Tbody>
              {addOns.map((a) => (
                <Tr key={a.name} data-testid="addon-row" data-addon={a.name}>
                  <Td>{a.name}</Td>
                  <Td>{a.version ?? ''}</Td>
                  <Td>
                    {a.available === 'True'
                      ? 'Available'
                      : a.available === 'False'
                        ? 'Unavailable'
                        : 'Unknown'}
                  </Td>
                  <Td isActionCell>
                    <Button
                      variant="link"
                      isDanger
                      size="sm"
                      data-testid={`addon-disable-${a.name}`}
                      isDisabled={busy}
                      onClick={() => void set(a.name, false)}
                    >
                      Disable
                    </Button>
                  </Td>
                </Tr>
              ))}
            </Tbody>
          </Table>
        )}
        <Flex spaceItems={{ default: 'spaceItemsSm' }} style={{ marginTop: 8 }}>
          <TextInput
            aria-label="Add-on name"
            placeholder="add-on name"
            data-testid="addon-name-input"
            value={newAddOn}
            onChange={(_e, v) => setNewAddOn(v)}
            style={{ maxWidth: 240 }}
          />
          <Button
            size="sm"
            data-testid="addon-enable"
            isDisabled={busy || !newAddOn.trim()}
            onClick={() => void set(newAddOn.trim(), true)}
          >
            Enable
          </Button>
        </Flex>
      </CardBody>
    </Card>
  );
}

function TransportCard({
  regionId,
  name,
  current,
  onOutcome,
  onDone,
}: ActionProps & { current: string | undefined }) {
  const { store } = useStore();
  const [transport, setTransport] = useState(current === 'grpc' ? 'mqtt' : 'grpc');
  const [namespace, setNamespace] = useState('default');
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    const body = {
      namespace: namespace.trim(),
      name: transportRolloutName(name, transport),
      target: { transport: { type: transport } },
      clusters: [name],
    };
    const parsed = createRolloutRequestSchema.safeParse(body);
    if (!parsed.success) return onOutcome(validationOutcome(parsed.error.issues, 'Switching transport'));
    setBusy(true);
    try {
      onDone(
        await store.call(regionId, PATHS.rollouts, actionResultSchema, { method: 'POST', body: parsed.data }),
      );
    } catch (err) {
      onOutcome(failureOutcome(err, 'Switching transport'));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card>
      <CardTitle>Transport</CardTitle>
      <CardBody>
        <Content component="p">
          Now: {current ?? 'unknown'}. Switching creates a transport rollout over this cluster.
        </Content>
        <Flex spaceItems={{ default: 'spaceItemsSm' }}>
          <FormSelect
            aria-label="Transport"
            data-testid="transport-select"
            value={transport}
            onChange={(_e, v) => setTransport(v)}
            style={{ maxWidth: 120 }}
          >
            {['grpc', 'mqtt', 'kube'].map((t) => (
              <FormSelectOption key={t} value={t} label={t} />
            ))}
          </FormSelect>
          <TextInput
            aria-label="Rollout namespace"
            data-testid="transport-namespace"
            value={namespace}
            onChange={(_e, v) => setNamespace(v)}
            style={{ maxWidth: 180 }}
          />
          <Button size="sm" data-testid="transport-submit" isDisabled={busy} onClick={() => void submit()}>
            Switch
          </Button>
        </Flex>
      </CardBody>
    </Card>
  );
}

function DetachSection({
  regionId,
  regionKey,
  name,
  onOutcome,
}: {
  regionId: number;
  regionKey: string;
  name: string;
  onOutcome: (o: Outcome | undefined) => void;
}) {
  const { store } = useStore();
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Outcome>();
  const detach = async () => {
    setBusy(true);
    try {
      const result = await store.call(regionId, PATHS.cluster(name), actionResultSchema, {
        method: 'DELETE',
        body: { confirm: typed },
      });
      setOpen(false);
      onOutcome(successOutcome(result, `Detached ${name} from ${regionKey}`));
    } catch (err) {
      setError(failureOutcome(err, 'Detaching'));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Title headingLevel="h2">Detach</Title>
      <Content component="p">Deletes the ManagedCluster from {regionKey}; the hub stops managing it.</Content>
      <Button
        variant="danger"
        data-testid="detach-button"
        onClick={() => {
          // One outcome at a time: the dialog shows its own.
          onOutcome(undefined);
          setError(undefined);
          setOpen(true);
        }}
      >
        Detach cluster
      </Button>{' '}
      <a href={routeHref({ page: 'clusters' })}>Back to clusters</a>
      <Modal isOpen={open} onClose={() => setOpen(false)} variant="small" aria-labelledby="detach-title">
        <ModalHeader title={`Detach ${name}?`} labelId="detach-title" titleIconVariant="warning" />
        <ModalBody>
          <ActionAlert outcome={error} />
          <TextField
            label={`Type ${name} to confirm`}
            id="detach-confirm-input"
            value={typed}
            onChange={setTyped}
            autoComplete="off"
          />
        </ModalBody>
        <ModalFooter>
          <Button
            variant="danger"
            data-testid="detach-confirm"
            isDisabled={typed !== name || busy}
            isLoading={busy}
            onClick={() => void detach()}
          >
            Detach
          </Button>
          <Button variant="link" onClick={() => setOpen(false)}>
            Cancel
          </Button>
        </ModalFooter>
      </Modal>
    </>
  );
}
