// The shapes of the strings cluster.yaml may hold. Values end up in SSH command lines and HTTP requests, so every
// pattern is anchored, admits no whitespace or shell metacharacters, and none lets a value start with "-" (which a
// command would read as an option).

const IPV4 = String.raw`(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)`;
const IPV6 = String.raw`(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}|(?:[0-9A-Fa-f]{1,4}:){1,7}:|(?:[0-9A-Fa-f]{1,4}:){1,6}:[0-9A-Fa-f]{1,4}|(?:[0-9A-Fa-f]{1,4}:){1,5}(?::[0-9A-Fa-f]{1,4}){1,2}|(?:[0-9A-Fa-f]{1,4}:){1,4}(?::[0-9A-Fa-f]{1,4}){1,3}|(?:[0-9A-Fa-f]{1,4}:){1,3}(?::[0-9A-Fa-f]{1,4}){1,4}|(?:[0-9A-Fa-f]{1,4}:){1,2}(?::[0-9A-Fa-f]{1,4}){1,5}|[0-9A-Fa-f]{1,4}:(?::[0-9A-Fa-f]{1,4}){1,6}|:(?:(?::[0-9A-Fa-f]{1,4}){1,7}|:)`;
const LABEL = String.raw`[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?`;
// The last label may not be all digits, so that a mistyped address such as 10.0.0.256 is not taken for a hostname.
const HOSTNAME = String.raw`(?:${LABEL}\.)*(?![0-9]+(?![A-Za-z0-9-]))${LABEL}`;
const PORT = String.raw`(?:6553[0-5]|655[0-2]\d|65[0-4]\d\d|6[0-4]\d{3}|[1-5]\d{4}|[1-9]\d{0,3})`;

const whole = (source: string): RegExp => new RegExp(`^(?:${source})$`);

export const HOST = whole(`${IPV4}|${IPV6}|${HOSTNAME}`);
/** `host:port`, an IPv6 address in brackets: `[fd00::1]:443`. */
export const HOST_PORT = whole(`(?:${IPV4}|\\[(?:${IPV6})\\]|${HOSTNAME}):${PORT}`);
/** The PVE API: https, any host, optional port, no path but an optional trailing slash. */
export const API_URL = whole(`https://(?:${IPV4}|\\[(?:${IPV6})\\]|${HOSTNAME})(?::${PORT})?/?`);

export const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
export const NODE_NAME = /^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/;
export const VOLUME_NAME = /^[A-Za-z0-9_.][A-Za-z0-9_.-]*$/;
// The backslash is part of systemd's own escaping (`\x2d`), so it is allowed; callers quote unit names anyway.
export const SYSTEMD_UNIT = /^[A-Za-z0-9@._:\\][A-Za-z0-9@._:\\-]*$/;
export const UNIX_USER = /^[A-Za-z_][A-Za-z0-9_.-]{0,31}$/;
export const ENV_VAR = /^[A-Za-z_][A-Za-z0-9_]*$/;
export const TOKEN_ID = /^[^\s:/@!=]+@[A-Za-z][A-Za-z0-9._-]*![A-Za-z][A-Za-z0-9._-]*$/;
export const SHA256_FINGERPRINT = /^[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){31}$/;
/** pve-common src/PVE/JSONSchema.pm parse_storage_id. */
export const STORAGE_ID = /^[a-z][a-z0-9_.-]*[a-z0-9]$/i;
export const VMID_KEY = /^[1-9][0-9]{2,8}$/;
export const PLAYBOOK = /^[a-z0-9][a-z0-9-]*$|\.ya?ml$/;
export const PLAYBOOK_NAME = /^[a-z0-9][a-z0-9-]*$/;
export const HTTP_HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
export const HTTP_HEADER_VALUE = /^[^\r\n\0]*$/;
// A PVE API token secret is a UUID; seeing one where a file name belongs means the secret was pasted inline.
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
