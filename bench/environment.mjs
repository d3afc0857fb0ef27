// Everything a benchmark run creates (private nats-servers, test databases, service processes),
// tracked so that one dispose() removes all of it: on success, on error and on Ctrl-C.
import { PlatformProcesses, PrivateNats, dropTestDatabases, testDatabasePrefix } from '@gardien/testing';

/**
 * @typedef {object} Platform
 * @property {string} prefix      database prefix of this platform (test_xxxxxxxx)
 * @property {PrivateNats} nats   its own nats-server
 * @property {PlatformProcesses | undefined} processes  the 7 service processes, once started
 */

export class BenchEnvironment {
  /** @type {Platform[]} */
  #platforms = [];
  #disposed = false;

  /** A private nats-server and a fresh database prefix; no process started yet. */
  async prepare() {
    if (this.#disposed) throw new Error('benchmark environment already disposed');
    /** @type {Platform} */
    const platform = { prefix: testDatabasePrefix(), nats: await PrivateNats.start(), processes: undefined };
    this.#platforms.push(platform);
    return platform;
  }

  /**
   * Starts the platform the way `gardien start` does: `gardien provision`, then the 7 processes
   * (bus services in parallel, then the edge), each with its own credentials.
   * @param {Platform} platform
   * @param {Record<string, string>} [extraEnv]
   */
  async launch(platform, extraEnv = {}) {
    // The load comes from one address, far above what a single client may send: the per-source
    // limits stay on (their cost is part of every request) but with a ceiling the bench never hits.
    const env = { GARDIEN_RATE_LIMIT_MAX: '1000000', GARDIEN_RATE_LIMIT_AUTH_MAX: '1000000', ...extraEnv };
    platform.processes = await PlatformProcesses.start({ databasePrefix: platform.prefix, natsUrl: platform.nats.url, env });
    return platform.processes;
  }

  /**
   * Stops one platform's processes, its nats-server, and drops its databases and roles.
   * Each step runs even when an earlier one fails; the first failure is rethrown at the end.
   * @param {Platform} platform
   */
  async release(platform) {
    this.#platforms = this.#platforms.filter((p) => p !== platform);
    const steps = [
      () => platform.processes?.dispose(),
      () => platform.nats.dispose(),
      () => dropTestDatabases(platform.prefix),
    ];
    /** @type {unknown[]} */
    const failures = [];
    for (const step of steps) {
      try {
        await step();
      } catch (error) {
        failures.push(error);
      }
    }
    if (failures.length > 0) throw failures[0];
  }

  /** On Ctrl-C or SIGTERM: releases everything, then exits 130. */
  disposeOnSignals() {
    for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
      process.once(signal, () => {
        process.stderr.write(`[bench] ${signal}: cleaning up\n`);
        void this.dispose().finally(() => process.exit(130));
      });
    }
  }

  /** Releases every platform still held. Safe to call twice. */
  async dispose() {
    this.#disposed = true;
    const results = await Promise.allSettled([...this.#platforms].map((platform) => this.release(platform)));
    for (const result of results) {
      if (result.status === 'rejected') process.stderr.write(`[bench] cleanup failed: ${String(result.reason)}\n`);
    }
  }
}
