/**
 * What a replay scored, as a short sha-256 of its confluence payloads and signals: one recording
 * read different ways (store, file versions), or by two builds, must give the same one.
 */
import { createHash } from "node:crypto"

export const scoreSha = (result: { readonly confluences?: unknown; readonly signals?: unknown }): string | undefined =>
  result.confluences === undefined
    ? undefined
    : createHash("sha256")
        .update(JSON.stringify({ confluences: result.confluences, signals: result.signals }))
        .digest("hex")
        .slice(0, 16)
