import { lookup as dnsLookup } from 'node:dns/promises';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import {
  blockedAddressReason,
  internalHostReason,
  ipLiteral,
  isLoopbackAddress,
} from '../schema/internal-host.ts';
import { UserError } from '../util/errors.ts';

/**
 * GET requests that cannot be steered into the runner's own network (SSRF). The manifest schema
 * already refuses internal hosts as written; here, at download time, the same rules apply to
 * every address a name resolves to and to every redirect, which is followed by hand (a limited
 * number of hops, https only, each hop checked afresh). The connection is pinned to the address
 * that was checked (a `lookup` that returns only it), so a name that resolves differently a
 * moment later (DNS rebinding) cannot redirect the connection itself.
 */

/** Resolves a host name to every address it has. */
export type Resolver = (hostname: string) => Promise<readonly { address: string; family: number }[]>;

export interface NetworkOptions {
  /** Name resolution; default the system resolver. Tests inject a stub. */
  readonly resolve?: Resolver | undefined;
  /**
   * Test-only: allow loopback addresses, over plain http too, so that tests can serve files from
   * 127.0.0.1. Set only by code (tests pass it explicitly); nothing a manifest holds reaches it.
   */
  readonly allowLoopback?: boolean | undefined;
  /**
   * Plain http to public hosts, for data pinned by sha256 and exact size (download.ts sets it from
   * a dataset manifest's DataUrl; integrity comes from the pin). Internal hosts stay refused.
   */
  readonly allowPlainHttp?: boolean | undefined;
  /** Redirects followed before giving up. Default 5. */
  readonly maxRedirects?: number | undefined;
}

/** A failure worth retrying (network, 5xx): the caller keeps what it has for the next attempt. */
export class TransientError extends Error {
  override name = 'TransientError';
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

const systemResolver: Resolver = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

export interface GuardedResponse {
  readonly response: IncomingMessage;
  /** The URL that answered, after redirects. */
  readonly url: string;
}

/**
 * GETs `url`, following redirects by hand; every hop's host and resolved addresses are checked.
 * Refusals are UserErrors naming the hop; network failures are TransientErrors.
 */
export async function guardedGet(
  url: string,
  options: {
    readonly headers?: Record<string, string>;
    readonly signal?: AbortSignal;
    readonly network?: NetworkOptions | undefined;
    readonly label?: string | undefined;
  } = {},
): Promise<GuardedResponse> {
  const network = options.network ?? {};
  const maxRedirects = network.maxRedirects ?? 5;
  let current = url;
  for (let hop = 0; ; hop++) {
    const target = await checkTarget(current, url, network, options.label);
    const response = await request(target, options.headers ?? {}, options.signal);
    const location = response.headers.location;
    if (!REDIRECTS.has(response.statusCode ?? 0) || location === undefined) return { response, url: current };
    response.resume();
    if (hop >= maxRedirects) {
      throw new UserError(`refusing to download ${url}: more than ${maxRedirects} redirects`, {
        file: options.label,
      });
    }
    try {
      current = new URL(location, current).href;
    } catch {
      throw new UserError(`refusing to download ${url}: redirect to an invalid URL "${location}"`, {
        file: options.label,
      });
    }
  }
}

interface Target {
  readonly url: URL;
  readonly address: string;
  readonly family: number;
}

/** Checks one hop: scheme, host as written, and every address it resolves to. */
async function checkTarget(
  href: string,
  original: string,
  network: NetworkOptions,
  label: string | undefined,
): Promise<Target> {
  const hop = href === original ? href : `${href} (redirected from ${original})`;
  const refuse = (why: string) => new UserError(`refusing to download ${hop}: ${why}`, { file: label });
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    throw new UserError(`not a valid URL: ${href}`, { file: label });
  }
  const loopbackOk = network.allowLoopback === true;
  const literal = ipLiteral(url.hostname);
  const loopbackLiteral = literal !== undefined && isLoopbackAddress(literal);
  // Plain http only where a test allowed loopback, and then only to loopback addresses (below).
  const plainOk = network.allowPlainHttp === true;
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && (loopbackOk || plainOk))) {
    throw refuse('only https URLs are allowed');
  }
  if (url.username || url.password) throw refuse('URLs must not contain credentials');
  const hostReason = internalHostReason(url.hostname);
  if (hostReason && !(loopbackOk && loopbackLiteral)) {
    throw refuse(`${url.hostname} is an internal host (${hostReason})`);
  }

  let addresses: readonly { address: string; family: number }[];
  if (literal !== undefined) {
    addresses = [{ address: literal, family: literal.includes(':') ? 6 : 4 }];
  } else {
    try {
      addresses = await (network.resolve ?? systemResolver)(url.hostname);
    } catch (err) {
      throw new TransientError(`cannot resolve ${url.hostname}: ${(err as Error).message}`, { cause: err });
    }
    if (addresses.length === 0) throw new TransientError(`cannot resolve ${url.hostname}: no addresses`);
  }
  for (const { address } of addresses) {
    const why = blockedAddressReason(address);
    if (why && !(loopbackOk && isLoopbackAddress(address))) {
      throw refuse(`${url.hostname} resolves to ${address}, a ${why}`);
    }
  }
  if (url.protocol === 'http:' && !plainOk && !addresses.every((a) => isLoopbackAddress(a.address))) {
    throw refuse('only https URLs are allowed');
  }
  const first = addresses[0]!;
  return { url, address: first.address, family: first.family };
}

/** One request, connecting only to the address that was checked. */
function request(
  target: Target,
  headers: Record<string, string>,
  signal?: AbortSignal,
): Promise<IncomingMessage> {
  const pinned: LookupFunction = (_hostname, options, callback) => {
    if (options.all) callback(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  };
  const client = target.url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(
      target.url,
      {
        method: 'GET',
        headers: { 'user-agent': 'podium', ...headers },
        agent: false,
        lookup: pinned,
        ...(signal === undefined ? {} : { signal }),
      },
      resolve,
    );
    req.on('error', (err) =>
      reject(
        err instanceof UserError
          ? err
          : new TransientError(`cannot reach ${target.url.host}: ${describe(err, signal)}`, { cause: err }),
      ),
    );
    req.end();
  });
}

/** An abort's own reason (e.g. the idle timeout) says more than "The operation was aborted". */
function describe(err: Error, signal: AbortSignal | undefined): string {
  const reason = signal?.aborted ? signal.reason : undefined;
  return reason instanceof Error ? reason.message : err.message;
}
