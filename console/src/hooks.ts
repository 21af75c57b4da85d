import { createContext, useContext, useEffect, useState, useSyncExternalStore } from 'react';
import { parseRoute, type Route } from './lib/router';
import type { ConsoleStore } from './lib/store';

export const StoreContext = createContext<ConsoleStore | null>(null);

/** The store, re-rendering the caller whenever it changes; returns the version for memo keys. */
export function useStore(): { store: ConsoleStore; version: number } {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useStore outside StoreContext');
  const version = useSyncExternalStore(store.subscribe, store.getVersion);
  return { store, version };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
