/** oidc-provider ships no types; the bench drives it through a handful of calls (bench/peer.ts). */
declare module 'oidc-provider';
