// reflect-metadata must load before @peculiar/x509 (its ASN.1 schema decorators need it).
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

/**
 * @peculiar/x509 wired to Node's WebCrypto, and the WebCrypto instance itself. Every module that
 * needs X.509 or keys imports them from here so the provider is set exactly once, first.
 */
x509.cryptoProvider.set(webcrypto);

export { x509, webcrypto };
