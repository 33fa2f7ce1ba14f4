/**
 * Removes secrets from text before it is logged, stored as an error or sent
 * in a response. It knows the secrets it has been told about (source tokens
 * read from their files) and also the shapes of secrets it was not told
 * about: Hub tokens, credentials in URLs, Authorization headers.
 */
export class Redactor {
  readonly #known = new Set<string>();

  /** Secrets shorter than this are not words that could be replaced safely; tokens are much longer. */
  static readonly MIN_SECRET = 8;

  remember(secret: string): void {
    if (secret.length >= Redactor.MIN_SECRET) this.#known.add(secret);
  }

  redact(text: string): string {
    let out = text;
    for (const secret of this.#known) {
      out = out.split(secret).join('[redacted]');
      // git and URLs may show the secret percent-encoded or in Basic auth's base64.
      const encoded = encodeURIComponent(secret);
      if (encoded !== secret) out = out.split(encoded).join('[redacted]');
    }
    return out
      .replace(/sbh_[A-Za-z0-9_-]{8,}/g, 'sbh_[redacted]')
      .replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s@]*@/gi, '$1[redacted]@')
      .replace(/(authorization:\s*)(basic|bearer)\s+\S+/gi, '$1$2 [redacted]');
  }
}
