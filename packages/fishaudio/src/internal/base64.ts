/**
 * Base64 (standard or URL-safe alphabet, padding optional) to bytes, without Node's Buffer so
 * that the SDK's main entry stays browser-safe.
 * @example decodeBase64("UklGRg==") // Uint8Array [82, 73, 70, 70]
 */
export function decodeBase64(text: string): Uint8Array {
  const clean = text.replace(/\s+/g, "").replace(/-/g, "+").replace(/_/g, "/");
  const binary = atob(clean.padEnd(Math.ceil(clean.length / 4) * 4, "="));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
