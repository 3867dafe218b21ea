export type { BinlogLayout, SegmentInfo, TornTailReport } from './binlog-layout.js';
export { type BinlogReadReport, BinlogReader, type BinlogReaderOptions, type ForEachOptions, type ForEachResult } from './binlog-reader.js';
export { type BinlogOpenReport, BinlogWriter, type BinlogWriterOptions } from './binlog-writer.js';
export { ENTRY_CODEC_VERSION, decodeEntry, encodeEntry, encodedEntryBytes } from './entry-codec.js';
export { type DeleteSpec, type LogEntry, type LogEntryKind, type NewLogEntry, deleteMatches } from './log-entry.js';
export { PositionsInterner } from './positions-interner.js';
export { PAYLOAD_BYTES_MAX, SEGMENT_FORMAT_VERSION, segmentFileName } from './segment-format.js';
