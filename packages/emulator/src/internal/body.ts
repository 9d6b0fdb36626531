/**
 * The request-body cap, applied before anything reads a body: a declared `Content-Length` over the
 * cap is refused without reading a byte; a body of unknown length (chunked, a stream) is read chunk
 * by chunk and refused as soon as the count passes the cap, so at most `maxBytes` plus one chunk is
 * ever held.
 *
 * @internal
 */
import * as ApiError from "../ApiError.js"

/**
 * The default cap, 12 MiB: above the largest body Clerk documents (an image upload of up to 10 MB,
 * the spec's `UploadOrganizationLogo` and `UploadOAuthApplicationLogo`, plus its multipart framing),
 * so no request Clerk accepts is refused.
 *
 * @internal
 */
export const DEFAULT_MAX_BODY_BYTES = 12 * 1024 * 1024

const stop = (body: ReadableStream<Uint8Array>): void => {
  // nothing more will be read: release the source (a socket's stream stops pulling)
  body.cancel().catch(() => {})
}

/**
 * The request with its body read and held (at most `maxBytes`), ready to be read again by the
 * routes; or the error to answer: 413 over the cap, 400 when the body cannot be read.
 *
 * @internal
 */
export const limit = async (request: Request, maxBytes: number): Promise<Request | ApiError.ApiError> => {
  const body = request.body
  if (body === null) return request
  const declared = request.headers.get("content-length")
  if (declared !== null && /^\d+$/.test(declared.trim()) && Number(declared) > maxBytes) {
    stop(body)
    return ApiError.bodyTooLarge(maxBytes)
  }
  const chunks: Array<Uint8Array> = []
  let size = 0
  const reader = body.getReader()
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      size += value.byteLength
      if (size > maxBytes) {
        reader.cancel().catch(() => {})
        return ApiError.bodyTooLarge(maxBytes)
      }
      chunks.push(value)
    }
  } catch {
    return ApiError.malformedBody("The request body could not be read.")
  }
  const bytes = new Uint8Array(size)
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.byteLength
  }
  return new Request(request.url, { method: request.method, headers: request.headers, body: bytes })
}
