/** Hash routes: the console is static files served from any path, so the hash carries the page. */
export type Route =
  | { page: 'regions' }
  | { page: 'clusters' }
  | { page: 'cluster'; region: string; name: string }
  | { page: 'rollouts' }
  | { page: 'provision' }
  | { page: 'downloads' };

export function parseRoute(hash: string): Route {
  const parts = hash
    .replace(/^#\/?/, '')
    .split('/')
    .filter((p) => p !== '')
    .map((p) => {
      try {
        return decodeURIComponent(p);
      } catch {
        return p;
      }
    });
  switch (parts[0]) {
    case 'clusters':
      if (parts.length >= 3 && parts[1] !== undefined && parts[2] !== undefined)
        return { page: 'cluster', region: parts[1], name: parts[2] };
      return { page: 'clusters' };
    case 'rollouts':
      return { page: 'rollouts' };
    case 'provision':
      return { page: 'provision' };
    case 'downloads':
      return { page: 'downloads' };
    default:
      return { page: 'regions' };
  }
}

export function routeHref(route: Route): string {
  switch (route.page) {
    case 'cluster':
      return `#/clusters/${encodeURIComponent(route.region)}/${encodeURIComponent(route.name)}`;
    default:
      return `#/${route.page}`;
  }
}
