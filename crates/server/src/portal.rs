//! Signing in from a marketplace portal (`POST /api/v1/session/portal`):
//! the portal signs its own user in by handing claimdesk a JWT it signed,
//! which is exchanged for a claimdesk session like a password sign-in.
//!
//! Each portal is configured per marketplace (`PORTALS_FILE`, TOML; the
//! README's configuration table): its key (an HS256 secret, or an RS256 or
//! EdDSA public key in PEM), the audience its tokens name, and the origins
//! its pages embed claimdesk from (the CORS allow-list of the bearer-token
//! mode). A token is verified by jsonwebtoken against each portal's key
//! (few portals: no key id needed); then its expiry, not-before, audience
//! and marketplace are checked, and its `jti` is recorded so the same
//! token never signs in twice. A user the token names who is not known
//! yet is created on first use for the token's merchant or marketplace,
//! with the token's name and language; a known one must be the same kind
//! of user of the same merchant and marketplace.

use std::path::Path;

use chrono::{DateTime, Utc};
use claimdesk_shared::{Locale, Role};
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;

use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::store::users::{self, NewPortalUser};

/// How far clocks may disagree, in seconds, when checking `exp` and `nbf`.
const LEEWAY_SECONDS: u64 = 30;

/// One portal: which marketplace it signs in for, and how its tokens are
/// checked.
#[derive(Clone)]
pub struct Portal {
    /// The marketplace's name, as claimdesk has it ("Fyndmarknad").
    pub marketplace: String,
    pub audience: String,
    pub key: PortalKey,
    /// The origins its pages embed claimdesk from (CORS, bearer mode).
    pub allowed_origins: Vec<String>,
}

impl std::fmt::Debug for Portal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The key stays out of logs.
        f.debug_struct("Portal")
            .field("marketplace", &self.marketplace)
            .field("audience", &self.audience)
            .field("allowed_origins", &self.allowed_origins)
            .finish_non_exhaustive()
    }
}

/// A portal's key.
#[derive(Clone)]
pub enum PortalKey {
    /// A secret shared with the portal (HS256).
    Hs256(Vec<u8>),
    /// The portal's RSA public key, PEM (RS256).
    Rs256(Vec<u8>),
    /// The portal's Ed25519 public key, PEM (EdDSA).
    EdDsa(Vec<u8>),
}

impl PortalKey {
    fn decoding(&self) -> AppResult<(DecodingKey, Algorithm)> {
        let bad = |e: jsonwebtoken::errors::Error| {
            AppError::Internal(anyhow::anyhow!("a portal's key does not read: {e}"))
        };
        Ok(match self {
            PortalKey::Hs256(secret) => (DecodingKey::from_secret(secret), Algorithm::HS256),
            PortalKey::Rs256(pem) => (
                DecodingKey::from_rsa_pem(pem).map_err(bad)?,
                Algorithm::RS256,
            ),
            PortalKey::EdDsa(pem) => (
                DecodingKey::from_ed_pem(pem).map_err(bad)?,
                Algorithm::EdDSA,
            ),
        })
    }
}

/// The portals file as written.
#[derive(Deserialize)]
struct PortalsFile {
    #[serde(default)]
    portal: Vec<PortalEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PortalEntry {
    marketplace: String,
    audience: String,
    algorithm: String,
    secret: Option<String>,
    public_key_file: Option<std::path::PathBuf>,
    #[serde(default)]
    allowed_origins: Vec<String>,
}

/// Reads the portals file at `path` (paths of public keys are relative to
/// it).
pub fn load(path: &Path) -> anyhow::Result<Vec<Portal>> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| anyhow::anyhow!("the portals file {}: {e}", path.display()))?;
    let file: PortalsFile = toml::from_str(&text)
        .map_err(|e| anyhow::anyhow!("the portals file {}: {e}", path.display()))?;
    let base = path.parent().unwrap_or(Path::new("."));
    file.portal
        .into_iter()
        .map(|entry| {
            let pem = || -> anyhow::Result<Vec<u8>> {
                let file = entry.public_key_file.as_ref().ok_or_else(|| {
                    anyhow::anyhow!(
                        "portal {}: {} needs public_key_file",
                        entry.marketplace,
                        entry.algorithm
                    )
                })?;
                Ok(std::fs::read(base.join(file))?)
            };
            let key = match entry.algorithm.as_str() {
                "HS256" => PortalKey::Hs256(
                    entry
                        .secret
                        .clone()
                        .filter(|s| s.len() >= 32)
                        .ok_or_else(|| {
                            anyhow::anyhow!(
                                "portal {}: HS256 needs a secret of at least 32 bytes",
                                entry.marketplace
                            )
                        })?
                        .into_bytes(),
                ),
                "RS256" => PortalKey::Rs256(pem()?),
                "EdDSA" => PortalKey::EdDsa(pem()?),
                other => anyhow::bail!(
                    "portal {}: unknown algorithm {other} (HS256, RS256, EdDSA)",
                    entry.marketplace
                ),
            };
            // A key that does not read is a start-up error, not a 500 later.
            key.decoding()
                .map_err(|e| anyhow::anyhow!("portal {}: {e}", entry.marketplace))?;
            Ok(Portal {
                marketplace: entry.marketplace,
                audience: entry.audience,
                key,
                allowed_origins: entry.allowed_origins,
            })
        })
        .collect()
}

/// What a portal's token says.
#[derive(Debug, Clone, Deserialize)]
pub struct PortalClaims {
    /// The portal's own id of the user.
    pub sub: String,
    pub email: String,
    pub name: String,
    pub role: Role,
    /// For merchant agents: claimdesk's id of their merchant.
    pub merchant: Option<i64>,
    /// The marketplace's name; must be the portal's.
    pub marketplace: String,
    pub locale: Option<Locale>,
    /// Unique per token: a token seen before is refused.
    pub jti: String,
    pub exp: i64,
}

/// Why a token was refused (the problem's detail names it).
pub fn refused(detail: &'static str) -> AppError {
    AppError::PortalToken(detail)
}

/// The portal whose key signed `token`, and what it says, checked at `now`.
pub fn verify<'p>(
    portals: &'p [Portal],
    token: &str,
    now: DateTime<Utc>,
) -> AppResult<(&'p Portal, PortalClaims)> {
    for portal in portals {
        let (key, algorithm) = portal.key.decoding()?;
        let mut validation = Validation::new(algorithm);
        validation.set_audience(&[&portal.audience]);
        validation.set_required_spec_claims(&["exp", "aud", "sub"]);
        // Checked against the server's clock below (the test clock moves
        // it), not jsonwebtoken's.
        validation.validate_exp = false;
        validation.validate_nbf = false;
        match jsonwebtoken::decode::<serde_json::Value>(token, &key, &validation) {
            Ok(data) => {
                let claims = data.claims;
                let at = |name: &str| claims.get(name).and_then(serde_json::Value::as_i64);
                let now = now.timestamp();
                let leeway = LEEWAY_SECONDS as i64;
                match at("exp") {
                    Some(exp) if exp + leeway < now => {
                        return Err(refused("the token has expired"))
                    }
                    None => return Err(refused("the token has no expiry")),
                    _ => {}
                }
                if at("nbf").is_some_and(|nbf| nbf - leeway > now) {
                    return Err(refused("the token is not valid yet"));
                }
                let claims: PortalClaims = serde_json::from_value(claims).map_err(|_| {
                    refused(
                        "the token lacks a claim claimdesk needs, or has one of the wrong shape",
                    )
                })?;
                if claims.marketplace != portal.marketplace {
                    return Err(refused(
                        "the token is for another marketplace than its portal's",
                    ));
                }
                return Ok((portal, claims));
            }
            Err(error) => match error.kind() {
                // Another portal's key, perhaps: try the next.
                ErrorKind::InvalidSignature | ErrorKind::InvalidAlgorithm => continue,
                ErrorKind::InvalidAudience => {
                    return Err(refused("the token is meant for another audience"))
                }
                ErrorKind::MissingRequiredClaim(_) => {
                    return Err(refused("the token lacks a claim claimdesk needs"))
                }
                _ => return Err(refused("the token does not read as a signed JWT")),
            },
        }
    }
    Err(refused(
        "no portal signed this token (tampered, or an unknown signer)",
    ))
}

/// Signs in the user `token` names: verified, not seen before, and the
/// same kind of user of the same merchant and marketplace as claimdesk
/// knows them (created now if it does not). Returns the user's id.
pub async fn sign_in(state: &AppState, token: &str) -> AppResult<i64> {
    let now = state.now();
    let (portal, claims) = verify(&state.config.portals, token, now)?;
    let marketplace = users::marketplace_named(&state.db, &portal.marketplace)
        .await?
        .ok_or_else(|| refused("the portal's marketplace does not exist here"))?;
    let merchant = match (claims.role, claims.merchant) {
        (Role::Merchant, Some(merchant)) => {
            if !users::merchant_of(&state.db, merchant, marketplace).await? {
                return Err(refused(
                    "the token's merchant is not one of the marketplace's",
                ));
            }
            Some(merchant)
        }
        (Role::Merchant, None) => {
            return Err(refused("a merchant agent's token names the merchant"))
        }
        (_, Some(_)) => return Err(refused("only a merchant agent's token names a merchant")),
        (_, None) => None,
    };
    let expires = DateTime::from_timestamp(claims.exp, 0).unwrap_or(now);
    if !users::use_portal_token(state.writer.pool(), marketplace, &claims.jti, expires, now).await?
    {
        return Err(refused("the token was used before"));
    }
    match users::by_email(&state.db, &claims.email).await? {
        Some((id, role, known_merchant, known_marketplace)) => {
            if role != claims.role.as_str()
                || known_merchant != merchant
                || known_marketplace != marketplace
            {
                return Err(refused("the token's user is known here as someone else"));
            }
            Ok(id)
        }
        None => {
            let user = NewPortalUser {
                marketplace_id: marketplace,
                merchant_id: merchant,
                role: claims.role,
                email: &claims.email,
                name: &claims.name,
                locale: claims.locale.unwrap_or(Locale::En),
            };
            tracing::info!(email = %claims.email, role = %claims.role, "created a user a portal signed in");
            users::create_portal_user(state.writer.pool(), user).await
        }
    }
}
