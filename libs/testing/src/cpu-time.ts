/**
 * CPU time of this process (user and system, every thread), in milliseconds. Tests that compare how
 * long two inputs take measure this rather than wall-clock time: on a loaded machine, time spent
 * waiting for a core is added to whatever ran, and says nothing about the work done.
 */
export function cpuMilliseconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}
