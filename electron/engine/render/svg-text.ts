// Text placed in the SVG that sharp renders (title cards, captions): escaped, so that a caption
// holding "<" or "&" draws as written.
export const escapeXml = (s: string) => s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
