import { Card, CardBody, CardTitle, Content, Gallery, PageSection, Title } from '@patternfly/react-core';

export function DownloadsPage() {
  return (
    <>
      <PageSection>
        <Title headingLevel="h1">Downloads and help</Title>
      </PageSection>
      <PageSection>
        <Gallery hasGutter minWidths={{ default: '420px' }}>
          <Card data-testid="download-plugin">
            <CardTitle>kubectl-mce plugin</CardTitle>
            <CardBody>
              <Content>
                <p>
                  The <code>kubectl mce</code> plugin runs the same rollout actions from a terminal (status,
                  pause, resume, approve, roll back). It ships in the operator's npm package:
                </p>
                <pre>
                  npm install -g mce-maestro-operator{'\n'}kubectl mce rollout status -n NAMESPACE NAME
                </pre>
                <p>
                  Package page:{' '}
                  <a
                    href="https://www.npmjs.com/package/mce-maestro-operator"
                    target="_blank"
                    rel="noreferrer noopener"
                  >
                    npmjs.com/package/mce-maestro-operator
                  </a>
                  . Node.js 20.19 or newer; the binary is <code>kubectl-mce</code> on the PATH, which kubectl
                  finds as a plugin.
                </p>
              </Content>
            </CardBody>
          </Card>
          <Card data-testid="download-docs">
            <CardTitle>Documentation</CardTitle>
            <CardBody>
              <Content>
                <p>
                  The operator's repository has the guides: <code>docs/console.md</code> (turning the regional
                  console on, the RBAC a user needs, adding regions) and the README (installing the operator,
                  rollouts).
                </p>
                <p>
                  To use this console: add the console URL of each hub of your geography on the Regions page,
                  then sign in to each with your OpenShift/OIDC token (<code>oc whoami -t</code>) or a
                  ServiceAccount token (<code>kubectl create token NAME</code>).
                </p>
              </Content>
            </CardBody>
          </Card>
          <Card data-testid="download-privacy">
            <CardTitle>What this console keeps</CardTitle>
            <CardBody>
              <Content>
                <p>
                  Only the list of regional endpoint URLs, in this browser's local storage (key{' '}
                  <code>mce-console.regions</code>). Tokens stay in this tab's memory; cluster data is fetched
                  from each region and never written to any storage.
                </p>
              </Content>
            </CardBody>
          </Card>
        </Gallery>
      </PageSection>
    </>
  );
}
