// The log line a process writes when it is ready to serve. Supervisors (`gardien start`, the test
// harness, the benchmark) wait for it, so its wording is a contract kept here, in one place.
export const SERVICE_READY_MESSAGE = 'service ready';
export const EDGE_READY_MESSAGE = 'edge ready';

/** Whether a chunk of a process's JSON log output contains its ready line. */
export function containsReadyLine(output: string): boolean {
  return output.includes(`"msg":"${SERVICE_READY_MESSAGE}"`) || output.includes(`"msg":"${EDGE_READY_MESSAGE}"`);
}
