import {
  Masthead,
  MastheadBrand,
  MastheadContent,
  MastheadMain,
  MastheadToggle,
  Nav,
  NavItem,
  NavList,
  Page,
  PageSidebar,
  PageSidebarBody,
  PageToggleButton,
  Content,
} from '@patternfly/react-core';
import { useRoute, useStore } from './hooks';
import { regionName } from './lib/store';
import { ClusterDetailPage } from './pages/ClusterDetailPage';
import { ClustersPage } from './pages/ClustersPage';
import { DownloadsPage } from './pages/DownloadsPage';
import { ProvisionPage } from './pages/ProvisionPage';
import { RegionsPage } from './pages/RegionsPage';
import { RolloutsPage } from './pages/RolloutsPage';

const NAV = [
  { page: 'regions', label: 'Regions' },
  { page: 'clusters', label: 'Clusters' },
  { page: 'rollouts', label: 'Rollouts' },
  { page: 'provision', label: 'Provision' },
  { page: 'downloads', label: 'Downloads' },
] as const;

export function App() {
  const route = useRoute();
  const { store } = useStore();
  const geographies = [
    ...new Set(store.regions.map((r) => r.info?.geography).filter((g): g is string => !!g)),
  ];
  const current = route.page === 'cluster' ? 'clusters' : route.page;

  const masthead = (
    <Masthead>
      <MastheadMain>
        <MastheadToggle>
          <PageToggleButton isHamburgerButton aria-label="Navigation" data-testid="nav-toggle" />
        </MastheadToggle>
        <MastheadBrand>
          <strong>Fleet console</strong>
        </MastheadBrand>
      </MastheadMain>
      <MastheadContent>
        <Content component="small">
          {store.regions.length === 0
            ? 'No regions yet'
            : `${store.regions.length} region(s)${geographies.length ? ` in ${geographies.join(', ')}` : ''}: ${store.regions.map((r) => regionName(r)).join(', ')}`}
        </Content>
      </MastheadContent>
    </Masthead>
  );
  const sidebar = (
    <PageSidebar>
      <PageSidebarBody>
        <Nav aria-label="Console">
          <NavList>
            {NAV.map((item) => (
              <NavItem
                key={item.page}
                itemId={item.page}
                to={`#/${item.page}`}
                isActive={current === item.page}
                data-testid={`nav-${item.page}`}
              >
                {item.label}
              </NavItem>
            ))}
          </NavList>
        </Nav>
      </PageSidebarBody>
    </PageSidebar>
  );

  return (
    <Page masthead={masthead} sidebar={sidebar} isManagedSidebar>
      {route.page === 'regions' && <RegionsPage />}
      {route.page === 'clusters' && <ClustersPage />}
      {route.page === 'cluster' && <ClusterDetailPage region={route.region} name={route.name} />}
      {route.page === 'rollouts' && <RolloutsPage />}
      {route.page === 'provision' && <ProvisionPage />}
      {route.page === 'downloads' && <DownloadsPage />}
    </Page>
  );
}
