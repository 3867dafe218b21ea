// Placeholder composition root; roles are wired in as components land.
import { SOFTWARE_VERSION } from '../protocol/version.js';

console.log(`openmldb ${SOFTWARE_VERSION}`);
