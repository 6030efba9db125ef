/**
 * The throwaway PKI of one control plane, made with `openssl` (node:crypto makes keys but not
 * X.509 certificates): a CA, the API server's serving certificate for 127.0.0.1, an admin
 * client certificate in `system:masters`, and the service-account signing key pair.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describeFailure, run } from './process.js';

/** Paths of the generated files, all inside the control plane's data directory. */
export interface ControlPlanePki {
  readonly caCert: string;
  readonly servingCert: string;
  readonly servingKey: string;
  readonly adminCert: string;
  readonly adminKey: string;
  readonly serviceAccountKey: string;
  readonly serviceAccountPublicKey: string;
}

async function openssl(args: readonly string[]): Promise<void> {
  let result;
  try {
    result = await run('openssl', args, { timeoutMs: 30_000 });
  } catch (error) {
    throw new Error(`could not run openssl to make the test certificates (install it: apt-get install openssl): ${String(error)}`);
  }
  if (result.code !== 0) throw new Error(describeFailure(result));
}

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/** Issues a certificate signed by the CA in `dir`, with the given X.509v3 extensions. */
async function issue(dir: string, name: string, subject: string, extensions: readonly string[]): Promise<void> {
  const extFile = join(dir, `${name}.ext`);
  await writeFile(extFile, `${extensions.join('\n')}\n`);
  await openssl(['req', ...EC_KEY, '-keyout', join(dir, `${name}.key`), '-out', join(dir, `${name}.csr`), '-subj', subject]);
  await openssl([
    'x509', '-req', '-in', join(dir, `${name}.csr`), '-CA', join(dir, 'ca.crt'), '-CAkey', join(dir, 'ca.key'),
    '-CAcreateserial', '-days', '2', '-sha256', '-extfile', extFile, '-out', join(dir, `${name}.crt`),
  ]);
}

/** Writes a fresh PKI into `dir` and returns where each piece is. */
export async function createPki(dir: string): Promise<ControlPlanePki> {
  await openssl([
    'req', '-x509', ...EC_KEY, '-keyout', join(dir, 'ca.key'), '-out', join(dir, 'ca.crt'), '-days', '2', '-sha256',
    '-subj', '/CN=k8s-security-pro-e2e-ca',
    '-addext', 'basicConstraints=critical,CA:TRUE',
    '-addext', 'keyUsage=critical,keyCertSign,cRLSign,digitalSignature',
  ]);
  await issue(dir, 'apiserver', '/CN=kube-apiserver', [
    'basicConstraints=critical,CA:FALSE',
    'keyUsage=critical,digitalSignature,keyEncipherment',
    'extendedKeyUsage=serverAuth',
    'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default.svc',
  ]);
  // system:masters is bound to cluster-admin by the API server's bootstrap RBAC policy.
  await issue(dir, 'admin', '/O=system:masters/CN=k8s-security-pro-e2e-admin', [
    'basicConstraints=critical,CA:FALSE',
    'keyUsage=critical,digitalSignature,keyEncipherment',
    'extendedKeyUsage=clientAuth',
  ]);
  await openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', join(dir, 'sa.key')]);
  await openssl(['pkey', '-in', join(dir, 'sa.key'), '-pubout', '-out', join(dir, 'sa.pub')]);
  return {
    caCert: join(dir, 'ca.crt'),
    servingCert: join(dir, 'apiserver.crt'),
    servingKey: join(dir, 'apiserver.key'),
    adminCert: join(dir, 'admin.crt'),
    adminKey: join(dir, 'admin.key'),
    serviceAccountKey: join(dir, 'sa.key'),
    serviceAccountPublicKey: join(dir, 'sa.pub'),
  };
}
