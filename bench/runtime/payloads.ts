/**
 * Deterministic, spec-valid Clerk payloads for the runtime benchmark: the same 500 users on every
 * run (a seeded generator, no clock, no randomness), shaped like what Clerk sends for ordinary
 * accounts: an e-mail verified by code, often a phone number, often a Google account, metadata.
 * `bench/test/payloads.shared.test.ts` validates them against Clerk's spec.
 */

/** A small seeded PRNG (mulberry32): the same sequence for the same seed. */
const prng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}

const FIRST = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Ken", "Margaret", "Dennis"]
const LAST = ["Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Allen", "Thompson", "Hamilton", "Ritchie"]
const BASE_TIME = 1_735_689_600_000 // 2025-01-01T00:00:00Z, in ms as Clerk sends timestamps

const id = (prefix: string, n: number, salt: number) =>
  `${prefix}_2${(n * 7919 + salt).toString(36).padStart(8, "0")}${(n * 104729 + salt * 31).toString(36).padStart(17, "x")}`

const user = (n: number) => {
  const random = prng(n + 1)
  const first = FIRST[n % FIRST.length]!
  const last = LAST[Math.floor(n / FIRST.length) % LAST.length]!
  const created = BASE_TIME + Math.floor(random() * 300 * 86_400_000)
  const updated = created + Math.floor(random() * 30 * 86_400_000)
  const emailId = id("idn", n, 1)
  const hasPhone = random() < 0.5
  const phoneId = id("idn", n, 2)
  const hasGoogle = random() < 0.6
  const email = `${first.toLowerCase()}.${last.toLowerCase()}+${n}@example.com`
  const verifiedOtp = (strategy: "email_code" | "phone_code") => ({
    object: "verification_otp",
    status: "verified",
    strategy,
    attempts: 1,
    expire_at: created + 600_000,
    verified_at_client: `client_${n}`
  })
  return {
    id: id("user", n, 0),
    object: "user",
    external_id: random() < 0.3 ? `crm-${100_000 + n}` : null,
    primary_email_address_id: emailId,
    primary_phone_number_id: hasPhone ? phoneId : null,
    primary_web3_wallet_id: null,
    username: random() < 0.4 ? `${first.toLowerCase()}${n}` : null,
    first_name: first,
    last_name: last,
    locale: random() < 0.5 ? "en-US" : null,
    image_url: `https://img.clerk.com/eyJ0eXBlIjoiZGVmYXVsdCIsImlpZCI6Imluc18${n.toString(36)}`,
    has_image: random() < 0.3,
    public_metadata: { plan: random() < 0.2 ? "pro" : "free", seats: Math.floor(random() * 10) },
    private_metadata: { stripe_customer: `cus_${(n * 31337).toString(36)}` },
    unsafe_metadata: {},
    email_addresses: [
      {
        id: emailId,
        object: "email_address",
        email_address: email,
        reserved: false,
        verification: verifiedOtp("email_code"),
        linked_to: hasGoogle ? [{ type: "oauth_google", id: id("idn", n, 3) }] : [],
        matches_sso_connection: false,
        created_at: created,
        updated_at: updated
      }
    ],
    phone_numbers: hasPhone
      ? [
          {
            id: phoneId,
            object: "phone_number",
            phone_number: `+1555${String(1_000_000 + n).slice(1)}`,
            reserved_for_second_factor: false,
            default_second_factor: false,
            reserved: false,
            verification: verifiedOtp("phone_code"),
            linked_to: [],
            backup_codes: null,
            created_at: created,
            updated_at: updated
          }
        ]
      : [],
    web3_wallets: [],
    passkeys: [],
    password_enabled: random() < 0.7,
    two_factor_enabled: false,
    totp_enabled: false,
    backup_code_enabled: false,
    mfa_enabled_at: null,
    mfa_disabled_at: null,
    password_last_updated_at: created,
    external_accounts: hasGoogle
      ? [
          {
            object: "external_account",
            id: id("eac", n, 4),
            provider: "oauth_google",
            identification_id: id("idn", n, 3),
            provider_user_id: String(100_000_000_000_000_000_000 + n * 7919),
            approved_scopes: "email https://www.googleapis.com/auth/userinfo.email openid profile",
            email_address: email,
            email_address_verified: true,
            first_name: first,
            last_name: last,
            image_url: `https://img.clerk.com/google-${n}`,
            username: null,
            phone_number: null,
            public_metadata: {},
            label: null,
            created_at: created,
            updated_at: updated,
            verification: {
              object: "verification_oauth",
              status: "verified",
              strategy: "oauth_google",
              expire_at: created + 600_000,
              attempts: null,
              verified_at_client: `client_${n}`
            }
          }
        ]
      : [],
    saml_accounts: [],
    enterprise_accounts: [],
    last_sign_in_at: updated,
    banned: false,
    locked: false,
    lockout_expires_in_seconds: null,
    verification_attempts_remaining: 100,
    updated_at: updated,
    created_at: created,
    delete_self_enabled: true,
    create_organization_enabled: true,
    last_active_at: updated,
    legal_accepted_at: null
  }
}

/** The 500 users the server answers `GET /users` with (the first `limit` of them). */
export const users: ReadonlyArray<ReturnType<typeof user>> = Array.from({ length: 500 }, (_, n) => user(n))

/** The answer to `POST /actor_tokens`. */
export const actorToken = {
  object: "actor_token",
  id: "act_2zGq9Zp4vY3tq0HkX7yM1Yb6c9D",
  status: "pending",
  user_id: users[0]!.id,
  actor: { sub: "user_admin" },
  token: "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyX2FkbWluIn0.c2lnbmF0dXJl",
  url: "https://accounts.example.com/v1/tickets/accept?ticket=eyJhbGciOiJIUzI1NiJ9",
  created_at: BASE_TIME,
  updated_at: BASE_TIME
}
