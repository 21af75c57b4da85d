import { describe, expect, it } from '@jest/globals';
import { FlagError, USAGE, parseFlags } from '../../../src/runtime/flags.js';

describe('console flags', () => {
  it('are off by default', () => {
    const f = parseFlags([], {});
    expect(f.consoleBindAddress).toBe('');
    expect(f.consoleAllowedOrigins).toEqual([]);
    expect(f.consoleStaticDir).toBeUndefined();
  });

  it('parse the address, names, origins and directories, from flags or the environment', () => {
    const f = parseFlags(
      [
        '--console-bind-address=:9443',
        '--console-region=eu-west',
        '--console-geography=europe',
        '--console-allowed-origins=https://Console.example.com, http://localhost:5173,https://[::1]:8443',
        '--console-cert-dir=/tls',
        '--console-static-dir=/app/console/dist',
      ],
      {},
    );
    expect(f).toMatchObject({
      consoleBindAddress: ':9443',
      consoleRegion: 'eu-west',
      consoleGeography: 'europe',
      consoleAllowedOrigins: ['https://console.example.com', 'http://localhost:5173', 'https://[::1]:8443'],
      consoleCertDir: '/tls',
      consoleStaticDir: '/app/console/dist',
    });
    expect(parseFlags([], { CONSOLE_REGION: 'us-east' }).consoleRegion).toBe('us-east');
  });

  it.each(['*', 'https://*.example.com', 'console.example.com', 'https://console.example.com/', 'https://x.com/path', 'ftp://x.com'])(
    'refuse the origin %s naming the flag',
    (origin) => {
      expect(() => parseFlags([`--console-allowed-origins=${origin}`], {})).toThrow(FlagError);
      expect(() => parseFlags([`--console-allowed-origins=${origin}`], {})).toThrow(/--console-allowed-origins/);
    },
  );

  it('refuse a bad bind address naming the flag', () => {
    expect(() => parseFlags(['--console-bind-address=9443'], {})).toThrow(/--console-bind-address/);
  });

  it('are in the usage text', () => {
    for (const flag of ['--console-bind-address', '--console-allowed-origins', '--console-cert-dir', '--console-static-dir'])
      expect(USAGE).toContain(flag);
  });
});
