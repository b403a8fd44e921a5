// The content security policy shared by the Electron window and the headless server: scripts and
// styles only from the app itself, images and videos from the app and the project-file route, no framing,
// no plugins, no form posts elsewhere. Svelte's compiled CSS ships as a file, so no inline styles.
export function contentSecurityPolicy(extraConnect: string[] = [], extraImg: string[] = []): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src 'self' blob: data: ${extraImg.join(' ')}`.trim(),
    // Blend videos play from the project's renders.
    `media-src 'self' ${extraImg.join(' ')}`.trim(),
    "font-src 'self'",
    `connect-src 'self' ${extraConnect.join(' ')}`.trim(),
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}

export const commonSecurityHeaders: Record<string, string> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'X-Frame-Options': 'DENY',
};
