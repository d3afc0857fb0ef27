// Commander's own errors (unknown option or command, missing value) are usage errors: exit 64
// (EX_USAGE), and their message never carries a value typed after an option, since that value
// may be a secret someone tried to pass on the command line.
import type { CommanderError } from 'commander';

export const EX_USAGE = 64;

/** For `exitOverride`: help and version end in 0, every parsing error in 64. */
export function exitOnUsageError(error: CommanderError): never {
  process.exit(error.exitCode === 0 ? 0 : EX_USAGE);
}

/** For `configureOutput({ outputError })`: `'--password=s3cret'` becomes `'--password'`, `'-ps3cret'` becomes `'-p'`. */
export function withoutOptionValues(message: string): string {
  return message.replace(/'(--?)([^']*)'/g, (_quoted, dashes: string, rest: string) => {
    const name = dashes === '--' ? rest.split('=')[0]! : rest.slice(0, 1);
    return `'${dashes}${name}'`;
  });
}
