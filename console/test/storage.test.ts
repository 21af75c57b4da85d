import { describe, expect, it } from 'vitest';
import { loadRegionUrls, normalizeRegionUrl, REGIONS_STORAGE_KEY, saveRegionUrls } from '../src/lib/storage';

describe('region URL storage', () => {
  it('normalises URLs and refuses what is not a base URL', () => {
    expect(normalizeRegionUrl(' https://hub.example.com:9443/ ')).toBe('https://hub.example.com:9443');
    expect(normalizeRegionUrl('https://hub.example.com/console//')).toBe('https://hub.example.com/console');
    expect(() => normalizeRegionUrl('ftp://x')).toThrow('only http(s)');
    expect(() => normalizeRegionUrl('hub.example.com')).toThrow('not a URL');
    expect(() => normalizeRegionUrl('https://u:p@hub.example.com')).toThrow('credentials');
    expect(() => normalizeRegionUrl('https://hub.example.com/?token=x')).toThrow('without query');
  });

  it('keeps only a JSON list of URLs under one key, and survives garbage', () => {
    localStorage.clear();
    saveRegionUrls(['https://a.example.com', 'https://b.example.com']);
    expect(Object.keys(localStorage)).toEqual([REGIONS_STORAGE_KEY]);
    expect(JSON.parse(localStorage.getItem(REGIONS_STORAGE_KEY) ?? '')).toEqual([
      'https://a.example.com',
      'https://b.example.com',
    ]);
    expect(loadRegionUrls()).toEqual(['https://a.example.com', 'https://b.example.com']);
    localStorage.setItem(REGIONS_STORAGE_KEY, '{not json');
    expect(loadRegionUrls()).toEqual([]);
    localStorage.setItem(
      REGIONS_STORAGE_KEY,
      JSON.stringify(['https://a.example.com/', 42, 'nope', 'https://a.example.com']),
    );
    expect(loadRegionUrls()).toEqual(['https://a.example.com']);
    saveRegionUrls([]);
    expect(localStorage.length).toBe(0);
  });
});
