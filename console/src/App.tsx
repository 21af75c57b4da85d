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
import { memo } from 'react';
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
  // The shell doesn't read the store: a store change re-renders the page shown, not the masthead's
  // frame or the nav (PatternFly's NavList reads the computed style on every update, which forces
  // a style recalculation of the whole table while pages of clusters stream in).
  return (
    <Page masthead={<ConsoleMasthead />} sidebar={<ConsoleSidebar />} isManagedSidebar>
      {route.page === 'regions' && <RegionsPage />}
      {route.page === 'clusters' && <ClustersPage />}
      {route.page === 'cluster' && <ClusterDetailPage region={route.region} name={route.name} />}
      {route.page === 'rollouts' && <RolloutsPage />}
      {route.page === 'provision' && <ProvisionPage />}
      {route.page === 'downloads' && <DownloadsPage />}
    </Page>
  );
}

const ConsoleMasthead = memo(function ConsoleMasthead() {
  return (
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
        <RegionsSummary />
      </MastheadContent>
    </Masthead>
  );
});

/** The masthead's line about the regions: the one part of the shell that follows the store. */
function RegionsSummary() {
  const { store } = useStore();
  const geographies = [
    ...new Set(store.regions.map((r) => r.info?.geography).filter((g): g is string => !!g)),
  ];
  return (
    <Content component="small">
      {store.regions.length === 0
        ? 'No regions yet'
        : `${store.regions.length} region(s)${geographies.length ? ` in ${geographies.join(', ')}` : ''}: ${store.regions.map((r) => regionName(r)).join(', ')}`}
    </Content>
  );
}

/**
 * Rendered once: each item follows the route itself, so going to another page updates two items and
 * not the NavList, whose update reads the computed style while the new page's DOM is fresh, a
 * forced style recalculation of the whole page in the click that opens the cluster list.
 */
const ConsoleSidebar = memo(function ConsoleSidebar() {
  return (
    <PageSidebar>
      <PageSidebarBody>
        <Nav aria-label="Console">
          <NavList>
            {NAV.map((item) => (
              <RouteNavItem key={item.page} page={item.page} label={item.label} />
            ))}
          </NavList>
        </Nav>
      </PageSidebarBody>
    </PageSidebar>
  );
});

function RouteNavItem({ page, label }: { page: string; label: string }) {
  const route = useRoute();
  const current = route.page === 'cluster' ? 'clusters' : route.page;
  return (
    <NavItem itemId={page} to={`#/${page}`} isActive={current === page} data-testid={`nav-${page}`}>
      {label}
    </NavItem>
  );
}
