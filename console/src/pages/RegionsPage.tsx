import {
  ActionGroup,
  Alert,
  Button,
  Form,
  PageSection,
  TextInput,
  Title,
  Content,
} from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { useEffect, useState, type FormEvent } from 'react';
import { RegionStatusLabel } from '../components/RegionStatusLabel';
import { TextField } from '../components/TextField';
import { useStore } from '../hooks';
import { regionName, type RegionState } from '../lib/store';

export function RegionsPage() {
  const { store } = useStore();
  const [url, setUrl] = useState('');
  const [error, setError] = useState<string>();

  const add = (e: FormEvent) => {
    e.preventDefault();
    try {
      store.addRegion(url);
      setUrl('');
      setError(undefined);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };

  const names = store.regions.map((r) => regionName(r));
  const duplicates = [...new Set(names.filter((n, i) => names.indexOf(n) !== i))];

  return (
    <>
      <PageSection>
        <Title headingLevel="h1">Regions</Title>
        <Content component="p">
          Each region is a hub running the operator with its console API on. This browser keeps only the
          endpoint URLs (in local storage); tokens stay in this tab's memory and are gone when it closes.
        </Content>
      </PageSection>
      <PageSection>
        <Form onSubmit={add} isHorizontal={false} style={{ maxWidth: 720 }}>
          <TextField
            label="Regional endpoint URL"
            id="region-url"
            testId="region-url-input"
            value={url}
            placeholder="https://console.hub-eu-1.example.com:9443"
            onChange={setUrl}
            error={error}
          />
          <ActionGroup>
            <Button type="submit" data-testid="region-add" isDisabled={!url.trim()}>
              Add region
            </Button>
          </ActionGroup>
        </Form>
      </PageSection>
      <PageSection>
        {duplicates.length > 0 && (
          <Alert
            variant="warning"
            isInline
            title={`More than one endpoint reports region ${duplicates.join(', ')}`}
            style={{ marginBottom: 16 }}
          />
        )}
        {store.regions.length === 0 ? (
          <Content component="p">No regions yet: add the endpoint of each hub of your geography.</Content>
        ) : (
          <Table aria-label="Regions" variant="compact">
            <Thead>
              <Tr>
                <Th>Region</Th>
                <Th>Endpoint</Th>
                <Th>Status</Th>
                <Th>Clusters</Th>
                <Th>Token</Th>
                <Th screenReaderText="Actions" />
              </Tr>
            </Thead>
            <Tbody>
              {store.regions.map((region, index) => (
                <RegionRow key={region.id} region={region} index={index} />
              ))}
            </Tbody>
          </Table>
        )}
      </PageSection>
    </>
  );
}

function RegionRow({ region, index }: { region: RegionState; index: number }) {
  const { store } = useStore();
  const [token, setToken] = useState('');
  const signedIn = region.token !== undefined;
  // Signed in, the field is gone (the token is in the store's memory only), and so is what was
  // typed. Clearing the field's value instead cost a forced layout per sign-in click while the
  // other regions' pages were loading.
  useEffect(() => {
    if (signedIn) setToken('');
  }, [signedIn]);
  const signIn = () => store.signIn(region.id, token);
  return (
    <Tr data-testid={`region-row-${index}`}>
      <Td dataLabel="Region">
        <strong data-testid={`region-name-${index}`}>{regionName(region)}</strong>
        {region.info && (
          <div>
            <small>
              {region.info.geography} · operator {region.info.operatorVersion}
              {region.info.hubVersion ? ` · hub ${region.info.hubVersion}` : ''}
              {region.info.hiveServed ? ' · Hive' : ''}
            </small>
          </div>
        )}
      </Td>
      <Td dataLabel="Endpoint">
        <code>{region.url}</code>
      </Td>
      <Td dataLabel="Status">
        <RegionStatusLabel status={region.status} testId={`region-status-${index}`} />
        {region.status === 'Signed in' && !region.live && <small> (not live)</small>}
        {region.error && (
          <div>
            <small data-testid={`region-message-${index}`}>{region.error}</small>
          </div>
        )}
      </Td>
      <Td dataLabel="Clusters">
        {region.loadedAt !== undefined
          ? region.data.clusters.size
          : region.progress
            ? `${region.progress.loaded}/${region.progress.total}`
            : '–'}
      </Td>
      <Td dataLabel="Token">
        {signedIn ? (
          <small data-testid={`region-token-held-${index}`}>in memory</small>
        ) : (
          <TextInput
            type="password"
            aria-label={`Token for ${regionName(region)}`}
            data-testid={`region-token-${index}`}
            value={token}
            autoComplete="off"
            placeholder="bearer token"
            onChange={(_e, v) => setToken(v)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') signIn();
            }}
          />
        )}
      </Td>
      <Td dataLabel="Actions" isActionCell>
        <Button
          variant="primary"
          size="sm"
          data-testid={`region-signin-${index}`}
          onClick={signIn}
          isDisabled={signedIn || !token.trim()}
        >
          Sign in
        </Button>{' '}
        <Button
          variant="secondary"
          size="sm"
          data-testid={`region-signout-${index}`}
          onClick={() => store.signOut(region.id)}
          isDisabled={!signedIn}
        >
          Sign out
        </Button>{' '}
        <Button
          variant="link"
          size="sm"
          data-testid={`region-retry-${index}`}
          onClick={() => void store.fetchInfo(region)}
          isDisabled={signedIn}
        >
          Retry
        </Button>{' '}
        <Button
          variant="link"
          isDanger
          size="sm"
          data-testid={`region-remove-${index}`}
          onClick={() => store.removeRegion(region.id)}
        >
          Remove
        </Button>
      </Td>
    </Tr>
  );
}
