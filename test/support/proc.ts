// CPU time of another process, from /proc (Linux): what it has cost, whatever the load of a shared machine.

import * as fs from 'node:fs';

/** CPU time (user + system) process `pid` has used, in ms; undefined where /proc is not there (or the process is gone). */
export function cpuMsOf(pid: number): number | undefined {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // After the command name in parentheses (which may hold spaces): utime and stime are fields 14 and 15, in clock
  // ticks (USER_HZ, 100 on Linux).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}
