import type { RequestHandler } from 'express';
import helmet from 'helmet';

export interface SecurityHeadersOptions {
  /** Production: helmet's default Content-Security-Policy. Elsewhere none, so the explorer page can load. */
  readonly isProduction: boolean;
}

/**
 * helmet's security headers on every response (`X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer`,
 * `X-Frame-Options`, cross-origin policies, …). `Strict-Transport-Security` is sent only on requests that
 * arrived over TLS (directly, or through a trusted proxy's `X-Forwarded-Proto`: TRUST_PROXY): browsers
 * ignore it on plain HTTP anyway (RFC 6797 §8.1), and a local http:// server must not claim TLS.
 * Outside production the Content-Security-Policy is off: Apollo's landing page runs inline and CDN scripts.
 */
export function securityHeaders(options: SecurityHeadersOptions): RequestHandler[] {
  const hsts = helmet.strictTransportSecurity({ maxAge: 31_536_000, includeSubDomains: true });
  return [
    helmet({
      strictTransportSecurity: false,
      contentSecurityPolicy: options.isProduction,
      crossOriginResourcePolicy: { policy: 'same-site' },
    }),
    (req, res, next) => (req.secure ? hsts(req, res, next) : next()),
  ];
}
