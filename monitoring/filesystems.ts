/**
 * Filesystems that are not node storage: memory-backed, container image layers and snapshots,
 * namespace handles, automount points, and lxcfs (a FUSE view of /proc for containers). Every other
 * type counts, other FUSE mounts included: a FUSE-backed disk that fills up is a full disk.
 * node-exporter already leaves most of these out (charts/node-exporter.ts); the queries exclude
 * them again so they stay right against any node-exporter.
 *
 * One list for the filesystem alert and the filesystem panel, so a mount that fires the alert is
 * always on the dashboard.
 */
export const NON_NODE_STORAGE_FS_TYPES = ['tmpfs', 'ramfs', 'overlay', 'squashfs', 'nsfs', 'autofs', 'fuse.lxcfs'] as const;

/** A regular expression that matches exactly one of `words` (dots and other specials escaped). */
function alternation(words: readonly string[]): string {
  return words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
}

/** The PromQL matcher `fstype!~"…"`, with the backslashes the PromQL string literal needs. */
export const NODE_STORAGE_FSTYPE_MATCHER = `fstype!~"${alternation(NON_NODE_STORAGE_FS_TYPES).replace(/\\/g, '\\\\')}"`;
