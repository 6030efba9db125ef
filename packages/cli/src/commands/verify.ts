/**
 * `k8s-security verify --expect FILE`: checks reachability assertions (a
 * `ReachabilityExpectations` file) against manifests or a live cluster, with the analyzer's own
 * verdicts, and exits 1 when one is broken or vacuous.
 */
import { parseArgs } from 'node:util';
import { checkExpectations } from '@k8s-security-pro/core/analyzer';
import { UsageError, type CommandIo } from '../io.js';
import { readAnalyzerInput } from '../input/analyzer-input.js';
import { buildModel, withManifestErrors } from '../input/manifest-model.js';
import { MANIFEST_INPUT_FLAGS, MANIFEST_INPUT_USAGE } from '../input/manifest-input.js';
import { readExpectationsFile } from '../input/read-expectations.js';
import { LIVE_CLUSTER_FLAGS, LIVE_CLUSTER_USAGE } from '../live/live-flags.js';
import { VERIFY_OUTPUT_FORMATS, formatVerifyReport, type VerifyOutputFormat } from '../output/verify-formats.js';
import { cliVersion } from '../report/report-options.js';

export const VERIFY_USAGE = `Usage: k8s-security verify --expect FILE PATH... [options]
       k8s-security verify --expect FILE --kubeconfig FILE [--context NAME] | --context NAME | --cluster [options]

Checks reachability assertions against manifests (files, folders, - for stdin) or a live
cluster. FILE is a ReachabilityExpectations document (apiVersion k8s-security.dev/v1alpha1):
each assertion names a source and a destination (namespace, namespaceSelector, podSelector,
except, or ipBlock for outside addresses), optional ports (9090/TCP, 53/UDP, 8000-8999/TCP,
metrics/TCP, any/SCTP; default every port of every protocol) and what to expect: denied,
allowed, or allowedOnly (allowed on the ports, denied on every other). Every port and outside
address is covered: one probe per interval the policies tell apart. See docs/verify.md.

Options:
      --expect FILE        the expectations file (required)
  -o, --output FORMAT      table (default), json, junit or sarif
      --max-examples N     counter-examples kept per broken assertion (default 20)
${LIVE_CLUSTER_USAGE}
${MANIFEST_INPUT_USAGE.replace('COMMAND', 'verify --expect FILE')}

Exit codes: 0 every assertion holds, 1 an assertion is broken or vacuous (it matches no
endpoint, so it proves nothing), 2 bad flags, manifests or expectations file.`;

function parseOutput(value: string | undefined): VerifyOutputFormat {
  if (value === undefined) return 'table';
  if (!(VERIFY_OUTPUT_FORMATS as readonly string[]).includes(value)) {
    throw new UsageError(`--output "${value}" is not a format of verify: use ${VERIFY_OUTPUT_FORMATS.join(', ')}`);
  }
  return value as VerifyOutputFormat;
}

function parseMaxExamples(value: string | undefined): number {
  if (value === undefined) return 20;
  if (!/^\d+$/.test(value) || Number(value) > 10_000) throw new UsageError(`--max-examples "${value}": give a whole number from 0 to 10000`);
  return Number(value);
}

/** `k8s-security verify`: exit 0 when every assertion holds, 1 when one is broken or vacuous. */
export async function verify(args: readonly string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    strict: true,
    options: {
      expect: { type: 'string' },
      output: { type: 'string', short: 'o' },
      'max-examples': { type: 'string' },
      ...LIVE_CLUSTER_FLAGS,
      ...MANIFEST_INPUT_FLAGS,
    },
  });
  if (values.expect === undefined) {
    throw new UsageError('verify needs the assertions: k8s-security verify --expect FILE PATH... (see docs/verify.md for the file format)');
  }
  const output = parseOutput(values.output);
  const maxCounterExamples = parseMaxExamples(values['max-examples']);
  // The expectations first: a broken file costs no cluster read.
  const expectations = await readExpectationsFile(values.expect, io.cwd);
  const live = { kubeconfig: values.kubeconfig, context: values.context, cluster: values.cluster };
  const documents = await readAnalyzerInput({ command: 'verify', paths: positionals, live, skipInvalid: values['skip-invalid'] ?? false, allowEmpty: values['allow-empty'] ?? false }, io);
  io.progress?.(`checking ${expectations.expectations.length} assertions`);
  const { model, notes } = buildModel(documents.objects);
  const report = withManifestErrors(documents.objects, () => checkExpectations(model, expectations.document.metadata.name, expectations.expectations, { maxCounterExamples }));
  for (const note of [...documents.notes, ...notes]) io.stderr.write(`k8s-security: note: ${note}\n`);
  const source = positionals.length > 0 ? positionals.join(', ') : (documents.objects[0]?.file ?? 'the cluster');
  io.stdout.write(formatVerifyReport({ report, expectationsFile: values.expect, source, toolVersion: cliVersion() }, output));
  return report.failed + report.vacuous === 0 ? 0 : 1;
}
