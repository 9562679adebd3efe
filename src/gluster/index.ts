// Parsers for every gluster output rollgate reads. Anything gluster could not tell is null (unknown), never 0;
// output that does not read as expected is `{ ok: false, error }` with what was seen, never a guess.
export * from "./types.js";
export { checkGlusterInvocation, describeGlusterFailure, explainGlusterMessage } from "./cli-errors.js";
export {
  createHealInfoParser,
  parseHealInfo,
  type HealInfoKind,
  type HealInfoParser,
  type HealInfoRequest,
  type HealInfoSource,
  type OutputChunk,
  type OutputFormat,
} from "./heal-info.js";
export { SAMPLE_SIZE } from "./heal-tally.js";
export { parseHealCount } from "./heal-count.js";
export { parseHealTrigger, type HealLaunch } from "./heal-trigger.js";
export { parsePeerStatusText, parsePeerStatusXml } from "./peer-status.js";
export { parseOpVersion, type OpVersionRead } from "./op-version.js";
export { parsePoolListText, parsePoolListXml } from "./pool-list.js";
export { parseVolumeInfoText } from "./volume-info-text.js";
export { parseVolumeInfoXml } from "./volume-info-xml.js";
export { parseVolumeStatusText } from "./volume-status-text.js";
export { parseVolumeStatusXml } from "./volume-status-xml.js";
export { onlyGnfsDiffers, parseVolumeStore, storeDifference, type StoreDifference, type VolumeStoreRead } from "./volume-store.js";
