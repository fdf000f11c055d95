/**
 * OpenSSF Model Signing (the {@code model_signing} format of sigstore/model-transparency): hash a
 * model folder into a manifest of per-file or per-shard SHA-256 digests, wrap it as an in-toto
 * statement ({@code https://model_signing/signature/v1.0}) in a DSSE envelope inside a Sigstore
 * bundle ({@code model.sig}), sign it with an ECDSA key, and verify such a bundle offline against a
 * public key or a certificate chain and trust anchors.
 *
 * <p>Nothing here touches the network: there is no transparency-log lookup, no TUF update and no
 * revocation check. Keyless (Fulcio and Rekor) bundles are verified only as certificate bundles:
 * their log entries are not checked (see the README).
 */
package io.sentrascan.scanner.signing;
