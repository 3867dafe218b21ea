export { type MakeSnapshotRequest, type MakeSnapshotResult, makeSnapshot } from './make-snapshot.js';
export { MANIFEST_FILE, MANIFEST_FORMAT_VERSION, type Manifest, readManifest } from './manifest.js';
export { type RecoverRequest, type RecoveryReport, type RecoverySink, recover } from './recover.js';
export type { RowInspector } from './row-inspector.js';
export { SNAPSHOT_DEFAULTS, type SnapshotEnv } from './snapshot-env.js';
export { type SnapshotFileSummary, readSnapshotFile } from './snapshot-file-reader.js';
