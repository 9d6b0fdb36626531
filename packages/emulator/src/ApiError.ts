/**
 * Clerk-shaped API errors raised by emulated routes.
 *
 * Every failure the emulator answers with is rendered as Clerk renders it:
 * `{"errors":[{"message","long_message","code","meta"}],"clerk_trace_id":"…"}`.
 *
 * @since 0.1.0
 */
import * as Data from "effect/Data"
import { traceId } from "./internal/ids.js"

/**
 * One entry of the `errors` array of a Clerk error body (spec schema `ClerkError`).
 *
 * @since 0.1.0
 * @category models
 */
export interface ClerkErrorItem {
  readonly message: string
  readonly long_message: string
  readonly code: string
  readonly meta?: Readonly<Record<string, unknown>>
}

/**
 * A failure of an emulated route: an HTTP status plus one or more Clerk error items.
 *
 * @since 0.1.0
 * @category errors
 */
export class ApiError extends Data.TaggedError("ApiError")<{
  readonly status: number
  readonly errors: ReadonlyArray<ClerkErrorItem>
  /** Seconds for the `Retry-After` header of the answer (a 429), when set. */
  readonly retryAfter?: number
}> {
  /**
   * The Clerk-shaped JSON body (spec schema `ClerkErrors`) with a fresh `clerk_trace_id`.
   *
   * @since 0.1.0
   */
  toBody(): { readonly errors: ReadonlyArray<ClerkErrorItem>; readonly clerk_trace_id: string } {
    return { errors: this.errors, clerk_trace_id: traceId() }
  }
}

/**
 * Builds an {@link ApiError} with a single error item.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (status: number, item: ClerkErrorItem): ApiError => new ApiError({ status, errors: [item] })

/**
 * 404 `resource_not_found`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const notFound = (longMessage = "Resource not found"): ApiError =>
  make(404, { message: "not found", long_message: longMessage, code: "resource_not_found" })

/**
 * 404 for a method and path that are no operation of the Backend API (`TRACE /v1/users`,
 * `GET /v1/no_such_thing`): Clerk's `resource_not_found`, with a message that names the request, so
 * that it is never mistaken for the answer about an unknown id.
 *
 * @since 0.1.0
 * @category constructors
 */
export const noRoute = (method: string, path: string): ApiError =>
  make(404, {
    message: "not found",
    long_message: `No operation of the Backend API is ${method.toUpperCase()} ${path}.`,
    code: "resource_not_found"
  })

/**
 * 401 `authentication_invalid`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const authenticationInvalid = (longMessage: string): ApiError =>
  make(401, { message: "Invalid authentication", long_message: longMessage, code: "authentication_invalid" })

/**
 * 400 `malformed_request_body`: the body is not a JSON object.
 *
 * @since 0.1.0
 * @category constructors
 */
export const malformedBody = (longMessage: string): ApiError =>
  make(400, { message: "malformed request body", long_message: longMessage, code: "malformed_request_body" })

/**
 * The error item for a missing parameter (`form_param_missing`, 422).
 *
 * @since 0.1.0
 * @category items
 */
export const paramMissingItem = (paramName: string): ClerkErrorItem => ({
  message: "is missing",
  long_message: `${paramName} is missing`,
  code: "form_param_missing",
  meta: { param_name: paramName }
})

/**
 * The error item for a parameter the operation does not accept (`form_param_unknown`, 422).
 *
 * @since 0.1.0
 * @category items
 */
export const paramUnknownItem = (paramName: string): ClerkErrorItem => ({
  message: "is unknown",
  long_message: `${paramName} is not a valid parameter for this request.`,
  code: "form_param_unknown",
  meta: { param_name: paramName }
})

/**
 * The error item for a parameter of the wrong type or format (`form_param_format_invalid`, 422).
 *
 * @since 0.1.0
 * @category items
 */
export const paramFormatInvalidItem = (paramName: string, longMessage?: string): ClerkErrorItem => ({
  message: "is invalid",
  long_message: longMessage ?? `${paramName} is invalid`,
  code: "form_param_format_invalid",
  meta: { param_name: paramName }
})

/**
 * 422 with the given error items (Clerk's `UnprocessableEntity`).
 *
 * @since 0.1.0
 * @category constructors
 */
export const unprocessable = (...errors: ReadonlyArray<ClerkErrorItem>): ApiError =>
  new ApiError({ status: 422, errors })

/**
 * 422 `form_param_format_invalid` for one parameter.
 *
 * @since 0.1.0
 * @category constructors
 */
export const paramFormatInvalid = (paramName: string, longMessage?: string): ApiError =>
  unprocessable(paramFormatInvalidItem(paramName, longMessage))

/**
 * 422 `form_identifier_exists`: an email address, phone number or username already belongs to a user.
 *
 * @since 0.1.0
 * @category constructors
 */
export const identifierExists = (paramName: string, longMessage: string): ApiError =>
  unprocessable({
    message: "That identifier is taken. Please try another.",
    long_message: longMessage,
    code: "form_identifier_exists",
    meta: { param_name: paramName }
  })

/**
 * `not_emulated`: the operation exists in Clerk's API but this emulator does not emulate it.
 *
 * The status is 400 unless given (`Emulator.make({ notEmulatedStatus: 501 })`), because no client
 * of Clerk's API retries a 400: Clerk's Speakeasy-generated SDKs (Python, Go, Java, C#, TypeScript)
 * retry every 5xx for up to an hour (the spec's `x-speakeasy-retries`: `statusCodes: [5XX]`,
 * `maxElapsedTime: 3600000`), so a 501 kept them waiting; `@clerk/backend` retries no Backend API
 * answer; this SDK retries only 429 and 5xx. Not a 404, which apps read as "no such resource" and
 * which would hide the gap behind a plausible answer; not a 422, which apps show as a validation
 * error of the user's input. Most operations document a 400 with Clerk's error body, so typed SDKs
 * decode its code and `meta.operation`. Never confused with a missing resource (404
 * `resource_not_found`).
 *
 * @since 0.1.0
 * @category constructors
 */
export const notEmulated = (operation: string, operationId: string, status = 400): ApiError =>
  make(status, {
    message: "not emulated",
    long_message: `${operation} is not emulated by @effect-clerk/emulator (${operationId}).`,
    code: "not_emulated",
    meta: { operation, operation_id: operationId }
  })

/**
 * The error item for a request field the emulator does not model (code `not_emulated`, in a 422):
 * `meta.param_name` names the field (`0.notify` in the first entry of a bulk body),
 * `meta.operation` the operation.
 *
 * @since 0.1.0
 * @category items
 */
export const notModeledItem = (operation: string, paramName: string): ClerkErrorItem => ({
  message: "is not emulated",
  long_message: `${paramName} is not modeled by @effect-clerk/emulator for ${operation}: leave it out, or test this against Clerk.`,
  code: "not_emulated",
  meta: { param_name: paramName, operation }
})

/**
 * 429 `too_many_requests`, answered with `Retry-After: <retryAfter>` (seconds). Clerk docs, "Rate
 * limits" (https://clerk.com/docs/guides/how-clerk-works/system-limits): "If you receive a 429
 * error code, you have been rate limited... Requests that have been rate limited will receive the
 * Retry-After response header, which contains the number of seconds after which the block
 * expires." The body is the spec's `TooManyRequests` response, a `ClerkErrors`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const tooManyRequests = (retryAfter = 1, longMessage = "Too many requests, retry later."): ApiError =>
  new ApiError({
    status: 429,
    errors: [{ message: "Too many requests", long_message: longMessage, code: "too_many_requests" }],
    retryAfter
  })

/**
 * 413 `request_body_too_large`: the request body is larger than the emulator accepts
 * (`maxBodyBytes`). Clerk documents no general body limit; its one documented 413 is an upload's
 * `image_too_large` (the spec's `UploadOrganizationLogo`), so this code is the emulator's own.
 *
 * @since 0.1.0
 * @category constructors
 */
export const bodyTooLarge = (maxBytes: number): ApiError =>
  make(413, {
    message: "Request body too large",
    long_message: `The request body is larger than ${maxBytes} bytes, the most this emulator accepts (maxBodyBytes, --max-body-bytes).`,
    code: "request_body_too_large",
    meta: { max_bytes: maxBytes }
  })

/**
 * 500 `internal_clerk_error`: an unexpected failure inside the emulator.
 *
 * @since 0.1.0
 * @category constructors
 */
export const internal = (longMessage = "An internal error occurred in the Clerk emulator."): ApiError =>
  make(500, { message: "Oops, an unexpected error occurred", long_message: longMessage, code: "internal_clerk_error" })
