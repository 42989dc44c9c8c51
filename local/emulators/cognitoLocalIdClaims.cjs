// Cognito puts a user's standard profile attributes (name, given_name, …) in
// the ID tokens it issues; cognito-local 5.3.0 copies only email and custom:*
// attributes. This installs the missing claims through cognito-local's own
// pre-token-generation hook (claimsToAddOrOverride), so a real trigger, when
// one is configured, still runs and still has the last word.
const STANDARD_ID_TOKEN_ATTRIBUTES = [
  'address',
  'birthdate',
  'family_name',
  'gender',
  'given_name',
  'locale',
  'middle_name',
  'name',
  'nickname',
  'phone_number',
  'phone_number_verified',
  'picture',
  'preferred_username',
  'profile',
  'updated_at',
  'website',
  'zoneinfo',
];

function standardClaims(attributes) {
  const claims = {};
  for (const { Name, Value } of attributes ?? []) {
    if (STANDARD_ID_TOKEN_ATTRIBUTES.includes(Name) && Value !== undefined) claims[Name] = Value;
  }
  return claims;
}

/** Wraps JwtTokenGenerator#generate so its triggers always add the standard claims. */
function install(tokenGeneratorModule) {
  const proto = tokenGeneratorModule.JwtTokenGenerator.prototype;
  const generate = proto.generate;
  proto.generate = function generateWithProfile(ctx, user, groups, client, metadata, source) {
    const triggers = this.triggers;
    const added = standardClaims(user.Attributes);
    const withProfile = {
      enabled: (name) => name === 'PreTokenGeneration' || triggers.enabled(name),
      preTokenGeneration: async (...args) => {
        const real = triggers.enabled('PreTokenGeneration') ? await triggers.preTokenGeneration(...args) : {};
        const details = real?.claimsOverrideDetails ?? {};
        return {
          ...real,
          claimsOverrideDetails: {
            ...details,
            claimsToAddOrOverride: { ...added, ...(details.claimsToAddOrOverride ?? {}) },
          },
        };
      },
    };
    return generate.call(
      Object.create(this, { triggers: { value: withProfile } }),
      ctx,
      user,
      groups,
      client,
      metadata,
      source,
    );
  };
}

module.exports = { install, STANDARD_ID_TOKEN_ATTRIBUTES };
