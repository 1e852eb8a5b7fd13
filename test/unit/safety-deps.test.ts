// Goal: no package anywhere in the installed dependency tree (direct or transitive, runtime or dev) is a Polymarket trading client, a wallet or a signing library.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/** Package names that would give the program a way to sign or route an order. */
const DENY: readonly RegExp[] = [
  /^@polymarket\/clob-client/,
  /^@polymarket\/client$/,
  /^@polymarket\/order-utils/,
  /^ethers$/,
  /^@ethersproject\//,
  /^viem$/,
  /^web3($|[-.])/,
  /^@web3-js\//,
  /^@metamask\//,
  /^@walletconnect\//,
  /^@coinbase\/wallet/,
  /^wagmi$/,
  /^ethereumjs-/,
  /^@ethereumjs\//,
  /^secp256k1$/,
  /^elliptic$/,
  /^@noble\/(curves|secp256k1)$/,
  /^tweetnacl/,
  /^bip32$/,
  /^bip39$/,
  /^hdkey$/,
  /^eth-sig-util$/,
  /^@metamask\/eth-sig-util$/,
  /^ccxt$/,
];

/** Every package in a package-lock v2/v3 tree, by name. */
export function lockedPackages(lock: { packages?: Record<string, { name?: string }> }): string[] {
  return Object.keys(lock.packages ?? {})
    .filter((k) => k !== '')
    .map((k) => k.slice(k.lastIndexOf('node_modules/') + 'node_modules/'.length));
}

export function deniedIn(names: readonly string[]): string[] {
  return names.filter((n) => DENY.some((re) => re.test(n)));
}

describe('dependency tree deny-list', () => {
  const names = lockedPackages(JSON.parse(readFileSync('package-lock.json', 'utf8')) as { packages: Record<string, object> });

  it('reads the whole installed tree from the lockfile', () => {
    expect(names.length).toBeGreaterThan(100);
    expect(names).toContain('fastify');
    expect(names).toContain('light-my-request'); // transitive, through fastify
  });

  it('holds no trading client, wallet or signing library at any depth', () => {
    expect(deniedIn(names)).toEqual([]);
  });

  it('would catch one planted deep in the tree', () => {
    const planted = lockedPackages({
      packages: {
        '': {},
        'node_modules/fastify': {},
        'node_modules/fastify/node_modules/@ethersproject/wallet': {},
        'node_modules/@polymarket/clob-client-v2': {},
        'node_modules/viem': {},
      },
    });
    expect(deniedIn(planted)).toEqual(['@ethersproject/wallet', '@polymarket/clob-client-v2', 'viem']);
  });
});
