const GROUP_OR_OTHERS = 0o077;

/** A warning when group or others may read or write the file, with the command that fixes it. */
export function permissionWarning(shownPath: string, mode: number): string | undefined {
  if ((mode & GROUP_OR_OTHERS) === 0) return undefined;
  const access = [accessBy("readable", mode, 0o040, 0o004), accessBy("writable", mode, 0o020, 0o002)].filter(
    (phrase) => phrase !== undefined,
  );
  const how = access.length > 0 ? access.join(", ") : "accessible by group or others";
  return `${shownPath} is ${how} (mode ${octal(mode)}): chmod 600 ${shellWord(shownPath)}`;
}

function accessBy(adjective: string, mode: number, groupBit: number, othersBit: number): string | undefined {
  const who = [mode & groupBit ? "group" : undefined, mode & othersBit ? "others" : undefined].filter((name) => name !== undefined);
  return who.length > 0 ? `${adjective} by ${who.join(" and ")}` : undefined;
}

function octal(mode: number): string {
  return `0${(mode & 0o777).toString(8).padStart(3, "0")}`;
}

function shellWord(text: string): string {
  return /^[A-Za-z0-9_.\/+-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
