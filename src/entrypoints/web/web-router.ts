import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { join, resolve } from 'node:path';
import { HttpError } from '../http/http-error';

/** Scripts and styles come only from our own files: no inline script, no eval, no third-party origin. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Asset names carry a content hash (scripts/build-web.mjs), so a cached copy can never be stale. */
export const ASSET_CACHE_CONTROL = 'public, max-age=31536000, immutable';
/** Pages are revalidated on every visit (a cheap 304), so a new deploy shows at once. */
export const PAGE_CACHE_CONTROL = 'no-cache';

const PAGES: Readonly<Record<string, string>> = { '/': 'index.html', '/dashboard': 'dashboard.html' };

function securityHeaders(res: Response): void {
  res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), payment=()');
}

/**
 * The two web pages and their assets, as built into `staticDir` (`dist/web`) by scripts/build-web.mjs.
 * Mount it before the API's routes: `/` is the home page.
 */
export function webRouter(staticDir: string): Router {
  const root = resolve(staticDir);
  const router = express.Router();

  for (const [path, file] of Object.entries(PAGES)) {
    router.get(path, (_req: Request, res: Response, next: NextFunction) => {
      securityHeaders(res);
      res.setHeader('Cache-Control', PAGE_CACHE_CONTROL);
      res.sendFile(file, { root, dotfiles: 'deny', lastModified: false }, (error?: Error) => {
        if (!error || res.headersSent) return;
        next(new HttpError(503, 'web_not_built', 'The web pages are not built on this server; run `npm run build`.'));
      });
    });
  }

  router.use(
    '/assets',
    express.static(join(root, 'assets'), {
      index: false,
      redirect: false,
      dotfiles: 'ignore',
      fallthrough: true,
      lastModified: false,
      setHeaders: (res) => {
        securityHeaders(res);
        res.setHeader('Cache-Control', ASSET_CACHE_CONTROL);
      },
    }),
  );
  return router;
}
