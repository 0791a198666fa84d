/**
 * The double's `default` policy: attached to every non-root token unless
 * told otherwise, it lets a token look itself up and renew itself (what
 * Vault's docs say the built-in default policy is for). Written for the
 * double; a real server's default policy holds more paths.
 */
export const DEFAULT_POLICY = `# Lets a token look after itself.
path "auth/token/lookup-self" {
  capabilities = ["read"]
}

path "auth/token/renew-self" {
  capabilities = ["update"]
}

path "auth/token/revoke-self" {
  capabilities = ["update"]
}

path "sys/capabilities-self" {
  capabilities = ["update"]
}
`;
