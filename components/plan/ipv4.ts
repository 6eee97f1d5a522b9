// Moved to components/lib/ipv4.ts (issue 12: one IPv4 module, below config). Kept for the files of
// other branches that still import it from here (components/rke2/settings.ts); remove once none do.
export * from "../lib/ipv4";
