export { ConfigErrors } from "./config-errors.js";
export { DURATION_PATTERN, MAX_DURATION_MS, formatDuration, parseDuration } from "./duration.js";
export type { ApiEndpoint, HostPort } from "./fields.js";
export { configJsonSchema } from "./json-schema.js";
export { loadConfig, type LoadedConfig } from "./load.js";
export { parseConfig, parseConfigSource, type ParsedConfig } from "./parse.js";
export { formatKeyPath, SourceLocator, type Anchor, type KeyPath } from "./positions.js";
export type {
  Config,
  ConfigInput,
  CriticalGroup,
  GlusterConfig,
  GuestOverride,
  JournalConfig,
  NodeConfig,
  NotifyConfig,
  WebhookNotifyConfig,
  EmailNotifyConfig,
  NotifyEvent,
  PlaybookRef,
  Probe,
  ProxmoxConfig,
  ServiceConfig,
  SshConfig,
  TimeoutsConfig,
  TokenSecretSource,
  UpgradeConfig,
} from "./schema.js";
export { resolveTokenSecret } from "./token-secret.js";
