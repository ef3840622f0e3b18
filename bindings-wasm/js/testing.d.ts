// Types of `jenga-stk/testing` (Node only): shipped as testing.d.cts, re-exported by
// testing.d.mts, as testing.mjs re-exports testing.cjs.
import type { Credentials } from "./index.cjs";

/**
 * How to start the sandbox. Give the merchant's registered public key as `publicKeyPem` (the PEM
 * text) or `publicKeyPath`. Every other option is a flag of `jenga-sandbox` by its camelCase name
 * (see `jenga-sandbox --help` and sandbox/README.md): `ipnUrl` is `--ipn-url`,
 * `callbackDelayMs: 20` is `--callback-delay-ms 20`, `true` a bare flag.
 */
export interface SandboxOptions {
  publicKeyPem?: string;
  publicKeyPath?: string;
  /** The executable. Default: JENGA_SANDBOX_BIN, else `jenga-sandbox` on PATH. */
  binary?: string;
  /** Default "127.0.0.1:0": a free loopback port. */
  bind?: string;
  /** Where IPNs go (none: no IPN). */
  ipnUrl?: string;
  ipnUsername?: string;
  ipnPassword?: string;
  /** From the push to the callback; 300 unless given (20 keeps tests quick). */
  callbackDelayMs?: number;
  /** From the callback to the IPN; 300 unless given. */
  ipnDelayMs?: number;
  /** Before a delivery's first retry, doubling; 200 unless given. */
  retryDelayMs?: number;
  deliveryAttempts?: number;
  apiKey?: string;
  merchantCode?: string;
  consumerSecret?: string;
  tokenLifetimeSecs?: number;
  signatureAmount?: "as-sent" | "two-decimals" | "whole";
  sendFailedIpns?: boolean;
  allowRemoteCallbacks?: boolean;
  [flag: string]: string | number | boolean | undefined;
}

/** One fault for the next `count` calls to an endpoint (sandbox/README.md, "Control API"). */
export interface SandboxFault {
  endpoint: "token" | "init" | "status";
  fault: "unauthorized" | "server_error_html" | "rate_limited" | "slow" | "drop_after_accept";
  count?: number;
  /** `slow` only. */
  delayMs?: number;
  /** `server_error_html` only: 500-599, 502 unless given. */
  status?: number;
  /** `server_error_html` on `init` only: the push is processed first. */
  afterAccept?: boolean;
  /** `rate_limited` only. */
  retryAfterSecs?: number;
}

/** How the deliveries of pushes accepted from now on behave. */
export interface SandboxDeliveries {
  callback?: "normal" | "twice" | "never" | "after_ipn";
  ipn?: "normal" | "twice" | "never";
  callbackDelayMs?: number | null;
  ipnDelayMs?: number | null;
}

/** Counts since the start or the last reset. */
export interface SandboxCounters {
  readonly tokenRequests: number;
  readonly tokensIssued: number;
  readonly initRequests: number;
  /** Prompts per order reference (accepted pushes, those whose answer was lost included). */
  readonly pushes: Readonly<Record<string, number>>;
  readonly pushesTotal: number;
  readonly statusQueries: number;
  readonly callbackAttempts: number;
  readonly callbacksDelivered: number;
  readonly ipnAttempts: number;
  readonly ipnsDelivered: number;
  readonly deliveriesPending: number;
}

/** A running sandbox. */
export interface Sandbox {
  /** Its base URL: give it as a client's `environment`. */
  readonly baseUrl: string;
  /** The credentials it accepts. */
  readonly credentials: Readonly<Credentials>;
  /** The Basic-auth credentials its IPNs carry. */
  readonly ipn: { readonly username: string; readonly password: string };
  counters(): Promise<SandboxCounters>;
  /** Adds faults (all or none); resolves to those pending. */
  fault(fault: SandboxFault | readonly SandboxFault[]): Promise<readonly (SandboxFault & { count: number })[]>;
  clearFaults(): Promise<void>;
  deliveries(mode?: SandboxDeliveries): Promise<Required<SandboxDeliveries>>;
  /** Waits until no delivery is pending (10 s unless given). */
  settle(timeoutMs?: number): Promise<{ settled: boolean; counters: SandboxCounters }>;
  /** Every token issued so far expires. */
  expireTokens(): Promise<void>;
  /** Counters, faults and delivery modes back to their defaults. */
  reset(): Promise<void>;
  /** Stops it and resolves to its log (standard error). */
  stop(): Promise<string>;
}

/**
 * Starts `jenga-sandbox` on a free port (Node only). Rejects with a JengaError: "sandbox_not_found"
 * (not at `binary`, JENGA_SANDBOX_BIN or on PATH: install it with `pip install --find-links
 * ./dist/python jenga-sandbox` or `cargo install --path sandbox` in a clone of jenga-stk),
 * "sandbox_failed" (it exited: the message has its log), "invalid_option" / "invalid_type".
 * The control methods reject with "sandbox_refused" on a 4xx.
 */
export function startSandbox(options: SandboxOptions): Promise<Sandbox>;

/** The `jenga-sandbox` executable `startSandbox` would run (throws "sandbox_not_found"). */
export function findSandbox(binary?: string): string;
