/**
 * A connection error as the user should read it. When Redis's TLS certificate
 * is not signed by a CA this process trusts (a private CA, the usual case for
 * a self-run Redis), Node's text ("self-signed certificate in certificate
 * chain") does not say what to do: Node trusts a private CA when started with
 * NODE_EXTRA_CA_CERTS naming its PEM file, read once at process start, so it is
 * the environment of the kernel (or script) and of each `loom worker`.
 */

/** Node's (OpenSSL's) codes for "no trusted CA signed this certificate". */
const UNTRUSTED = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
]);

/** `error`'s message, with how to trust the server's CA when that is what failed. */
export function connectErrorText(error: Error & { code?: unknown }): string {
  if (typeof error.code !== 'string' || !UNTRUSTED.has(error.code)) return error.message;
  return `${error.message}: the server's TLS certificate is not signed by a CA this process trusts; ` +
    'for a private CA, start the process (the kernel, the script, each loom worker) with NODE_EXTRA_CA_CERTS=/path/to/ca.pem';
}
